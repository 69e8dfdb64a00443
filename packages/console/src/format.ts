/** Metric values as people read them: rates in percent, seconds as a duration, the rest as numbers. */
export function formatMetric(name: string, value: number): string {
  if (/seconds$/i.test(name)) return duration(value);
  if (/accuracy|ap\d*$|^test(ap|ar)|bleu|iou|recall|precision/i.test(name) && value >= 0 && value <= 1)
    return `${(100 * value).toFixed(2)}%`;
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function bytes(count: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export const dateTime = (iso: string) => new Date(iso).toLocaleString();
