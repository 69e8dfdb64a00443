# Stand-in for the official redis image: Debian's redis-server, data in /data, run as redis.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install --yes --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data \
 && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no"]
