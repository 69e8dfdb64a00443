"""PyTorch side of `npm run bench:detect -- --torch`: torchvision's FasterRCNN built to the sizes of an Ocellus
`faster-rcnn` spec and timed on the scenes the Node side generated.

argv: the job spec as JSON (parsed by @ocellus/contracts, so every default is filled in), the scenes' pixels
(float32 [N, C, H, W], little-endian), their objects (JSON: per scene a list of {index, box}), the thread count
(torch.set_num_threads; the parent sets OMP_WAIT_POLICY and OPENBLAS_NUM_THREADS to match).
The first line printed names the BLAS. Each stdin line, JSON {"batch", "budget", "inferBatches", "classes",
"weights"}, starts a fresh seeded model and times training steps on consecutive batches of the scenes (3 warm-up,
5 timed); then loads Ocellus's weights (the "weights" files: float32 values and their names and shapes, as
FasterRcnn.toArtifact names them) so that both sides propose, pool and keep the same boxes, and times inference
at each of "inferBatches" for "budget" seconds; then one untimed pass at the largest batch counts the RoIs the box
head pooled and the detections kept. Answered with one JSON line: median wall seconds and mean CPU seconds (all
threads) per scene, and the counts per scene."""
import itertools
import json
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
import torchvision
from torch import nn
from torchvision.models.detection import FasterRCNN
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.rpn import RegionProposalNetwork, RPNHead
from torchvision.ops import MultiScaleRoIAlign
from torchvision.ops.misc import Conv2dNormActivation

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lenet"))
from torch_peer import blas_info, measure_calls  # noqa: E402

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky-relu": lambda: nn.LeakyReLU(0.01),
    "elu": nn.ELU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
}


def backbone(arch, channels, dropout):
    """convStack of packages/models/src/networks/stacks.ts: per block conv - [batchnorm] - act - [max-pool] -
    [dropout2d(p/2)], a batch-normed conv without bias."""
    layers = []
    for block in arch["layers"]:
        k = block["kernel"]
        padding = k // 2 if block["padding"] == "same" else block["padding"]
        conv = nn.Conv2d(channels, block["filters"], k, block["stride"], padding, bias=not block["batchNorm"])
        layers.append(conv)
        if block["batchNorm"]:
            layers.append(nn.BatchNorm2d(block["filters"]))
        layers.append(ACTIVATIONS[arch["activation"]]())
        if block["pool"] > 1:
            layers.append(nn.MaxPool2d(block["pool"]))
        if dropout > 0:
            layers.append(nn.Dropout2d(dropout / 2))
        channels = block["filters"]
    net = nn.Sequential(*layers)
    net.out_channels = channels
    return net


class SpecRPNHead(RPNHead):
    """torchvision's RPNHead with its 3x3 conv mapping in_channels to `channels`, as Ocellus's RpnHead does
    (torchvision's keeps in_channels)."""

    def __init__(self, in_channels, channels, num_anchors):
        super().__init__(in_channels, num_anchors)
        self.conv = nn.Sequential(Conv2dNormActivation(in_channels, channels, kernel_size=3, norm_layer=None))
        self.cls_logits = nn.Conv2d(channels, num_anchors, kernel_size=1)
        self.bbox_pred = nn.Conv2d(channels, num_anchors * 4, kernel_size=1)
        for layer in self.modules():
            if isinstance(layer, nn.Conv2d):
                nn.init.normal_(layer.weight, std=0.01)
                nn.init.constant_(layer.bias, 0)


def block_ends(arch, dropout):
    """Layer counts at the end of each conv block, as convStack lays the blocks out."""
    ends, count = [], 0
    for block in arch["layers"]:
        count += 1 + (1 if block["batchNorm"] else 0) + 1 + (1 if block["pool"] > 1 else 0) + (1 if dropout > 0 else 0)
        ends.append(count)
    return ends


def map_width(arch, block, width):
    """The width of conv block `block`'s map over an input `width` wide."""
    for b in arch["layers"][: block + 1]:
        k = b["kernel"]
        padding = k // 2 if b["padding"] == "same" else b["padding"]
        width = (width + 2 * padding - k) // b["stride"] + 1
        width //= b["pool"]
    return width


class TappedBackbone(nn.Sequential):
    """The conv stack (parameters named as nn.Sequential's) returning the last block's map as "rpn" and the
    maps the box head reads by block index, as Ocellus's BlockTaps keeps them."""

    def __init__(self, body, ends, roi_maps, last):
        super().__init__(*body)
        self.out_channels = body.out_channels
        self.ends, self.kept = ends, sorted(set(roi_maps) | {last})
        self.last = last

    def forward(self, x):
        maps, start = OrderedDict(), 0
        for block in self.kept:
            for layer in list(self)[start : self.ends[block]]:
                x = layer(x)
            start = self.ends[block]
            maps[str(block)] = x
        maps["rpn"] = maps[str(self.last)]
        return maps


class LastMapRPN(RegionProposalNetwork):
    """torchvision's RPN on the last map alone (Ocellus's RPN reads only that one)."""

    def forward(self, images, features, targets=None):
        return super().forward(images, OrderedDict(rpn=features["rpn"]), targets)


class StackedRoIAlign(MultiScaleRoIAlign):
    """Each proposal RoIAligned from the maps of `blocks` at their scales and stacked along channels, as
    Ocellus's BlockMaps.pool does (MultiScaleRoIAlign, whose type FasterRCNN requires, picks one level per box)."""

    def __init__(self, blocks, scales, roi):
        super().__init__([str(b) for b in blocks], roi["output"], roi["samplingRatio"])
        self.blocks, self.scales = blocks, scales
        self.output, self.sampling = roi["output"], roi["samplingRatio"]

    def forward(self, features, proposals, image_shapes):
        pooled = [
            torchvision.ops.roi_align(
                features[str(b)], proposals, self.output, self.scales[b], self.sampling, aligned=False
            )
            for b in self.blocks
        ]
        return torch.cat(pooled, 1)


def faster_rcnn(spec, channels, height, width, classes):
    arch = spec["architecture"]
    if arch["type"] != "faster-rcnn":
        sys.exit(f"torch_faster_rcnn.py builds faster-rcnn specs, not {arch['type']}")
    fc = arch["fc"]
    if len(fc) != 2 or fc[0] != fc[1]:
        sys.exit(f"torchvision's TwoMLPHead has two FC layers of one width; the spec's fc is {fc}")
    body = backbone(arch, channels, spec["regularization"]["dropout"])
    last = len(arch["layers"]) - 1
    roi_maps = arch.get("roiMaps", [last])
    body = TappedBackbone(body, block_ends(arch, spec["regularization"]["dropout"]), roi_maps, last)
    sizes, ratios = tuple(arch["anchors"]["sizes"]), tuple(arch["anchors"]["ratios"])
    anchors = AnchorGenerator(sizes=(sizes,), aspect_ratios=(ratios,))
    rpn, roi, heads = arch["rpn"], arch["roiAlign"], arch["roiHeads"]
    width_of = {b: map_width(arch, b, width) for b in roi_maps}
    pooled_channels = sum(arch["layers"][b]["filters"] for b in roi_maps)
    model = FasterRCNN(
        body,
        # The transform's resize is to min_size = max_size = the scene's side: an identity (checked below).
        min_size=min(height, width),
        max_size=max(height, width),
        image_mean=[0.0] * channels,
        image_std=[1.0] * channels,
        rpn_anchor_generator=anchors,
        rpn_head=SpecRPNHead(body.out_channels, rpn["channels"], anchors.num_anchors_per_location()[0]),
        rpn_pre_nms_top_n_train=rpn["preNmsTopN"]["train"],
        rpn_pre_nms_top_n_test=rpn["preNmsTopN"]["test"],
        rpn_post_nms_top_n_train=rpn["postNmsTopN"]["train"],
        rpn_post_nms_top_n_test=rpn["postNmsTopN"]["test"],
        rpn_nms_thresh=rpn["nmsIou"],
        rpn_fg_iou_thresh=rpn["fgIou"],
        rpn_bg_iou_thresh=rpn["bgIou"],
        rpn_batch_size_per_image=rpn["batchSizePerImage"],
        rpn_positive_fraction=rpn["positiveFraction"],
        box_roi_pool=StackedRoIAlign(roi_maps, {b: width_of[b] / width for b in roi_maps}, roi),
        box_head=TwoMLPHead(pooled_channels * roi["output"] ** 2, fc[0]),
        box_predictor=FastRCNNPredictor(fc[-1], classes + 1),
        box_score_thresh=heads["scoreThreshold"],
        box_nms_thresh=heads["nmsIou"],
        box_detections_per_img=heads["detectionsPerImage"],
        box_fg_iou_thresh=heads["fgIou"],
        box_bg_iou_thresh=heads["bgIou"],
        box_batch_size_per_image=heads["batchSizePerImage"],
        box_positive_fraction=heads["positiveFraction"],
        bbox_reg_weights=tuple(heads["boxWeights"]),
    )
    model.rpn.__class__ = LastMapRPN
    return model


def optimizer_of(spec, params):
    o = spec["optimizer"]
    if o["type"] == "adam":
        return torch.optim.Adam(params, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"])
    if o["type"] == "sgd":
        return torch.optim.SGD(params, lr=o["lr"])
    if o["type"] in ("momentum", "nesterov"):
        return torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], nesterov=o["type"] == "nesterov")
    sys.exit(f"no torch optimiser mapped for {o['type']}")


# Ocellus's FasterRcnnNet modules (as FasterRcnn.toArtifact names them) to torchvision's.
RENAMED = {
    "net.backbone": "backbone",
    "net.rpn.conv": "rpn.head.conv.0.0",
    "net.rpn.cls": "rpn.head.cls_logits",
    "net.rpn.bbox": "rpn.head.bbox_pred",
    "net.head.cls": "roi_heads.box_predictor.cls_score",
    "net.head.bbox": "roi_heads.box_predictor.bbox_pred",
}
BUFFERS = {"runningMean": "running_mean", "runningVar": "running_var"}


def torch_name(name, head_fc):
    """torchvision's name of Ocellus's weight `name`; `head_fc` are the box head's Linear indices (fc6, fc7)."""
    module, _, leaf = name.rpartition(".")
    leaf = BUFFERS.get(leaf, leaf)
    if module.startswith("net.head.fc."):
        return f"roi_heads.box_head.fc{6 + head_fc.index(int(module.split('.')[3]))}.{leaf}"
    start = next(s for s in RENAMED if module == s or module.startswith(s + "."))
    return f"{RENAMED[start]}{module[len(start) :]}.{leaf}"


def load_ocellus_weights(model, files):
    with open(files["names"]) as f:
        entries = json.load(f)
    values = torch.from_numpy(np.fromfile(files["values"], dtype="<f4"))
    head_fc = sorted({int(e["name"].split(".")[3]) for e in entries if e["name"].startswith("net.head.fc.")})
    state, at = {}, 0
    for e in entries:
        size = int(np.prod(e["shape"]))
        state[torch_name(e["name"], head_fc)] = values[at : at + size].reshape(e["shape"])
        at += size
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        sys.exit(f"Ocellus's weights do not fit torchvision's model: missing {missing}, extra {unexpected}")


def check_identity_transform(model, images, targets):
    """GeneralizedRCNNTransform must hand the scenes and their boxes to the backbone unchanged."""
    for training in (False, True):
        model.transform.train(training)
        batch, moved = model.transform(list(images), [dict(t) for t in targets] if training else None)
        sizes = {tuple(s) for s in batch.image_sizes}
        if not torch.equal(batch.tensors, images) or sizes != {tuple(images.shape[-2:])}:
            sys.exit("torchvision's transform changed the scenes: it would resize, normalise or pad them")
        if training and any(not torch.equal(m["boxes"], t["boxes"]) for m, t in zip(moved, targets)):
            sys.exit("torchvision's transform moved the boxes")


def batches(scenes, size):
    """Consecutive `size`-scene slices of `scenes` (a trailing partial one left out)."""
    return [slice(i, i + size) for i in range(0, len(scenes) - size + 1, size)]


def time_training(model, optimizer, scenes, targets, batch):
    steps = itertools.cycle([(list(scenes[s]), targets[s]) for s in batches(scenes, batch)])

    def step():
        images, own = next(steps)
        optimizer.zero_grad()
        sum(model(images, own).values()).backward()
        optimizer.step()

    model.train()
    # No budget: measure_calls's minimum, 3 warm-up and 5 timed steps, the counts the Node side times.
    wall, cpu = measure_calls(step, 0)
    return {"train": wall / batch, "trainCpu": cpu / batch}


def time_inference(model, scenes, batch, budget):
    groups = itertools.cycle([list(scenes[s]) for s in batches(scenes, batch)])

    def infer():
        with torch.no_grad():
            model(next(groups))

    model.eval()
    wall, cpu = measure_calls(infer, budget)
    return {f"infer{batch}": wall / batch, f"infer{batch}Cpu": cpu / batch}


def count_work(model, scenes, batch):
    """RoIs the box head pooled and detections kept, per scene, over one pass at `batch`."""
    pooled = []
    hook = model.roi_heads.box_roi_pool.register_forward_hook(lambda _m, _i, out: pooled.append(out.shape[0]))
    model.eval()
    with torch.no_grad():
        found = sum(len(o["boxes"]) for s in batches(scenes, batch) for o in model(list(scenes[s])))
    hook.remove()
    counted = len(batches(scenes, batch)) * batch
    return {"roisPerScene": sum(pooled) / counted, "detectionsPerScene": found / counted}


def bench(spec, scenes, targets, settings):
    torch.manual_seed(spec["seed"])
    _, channels, height, width = scenes.shape
    model = faster_rcnn(spec, channels, height, width, settings["classes"])
    check_identity_transform(model, scenes[:2], targets[:2])
    result = time_training(model, optimizer_of(spec, model.parameters()), scenes, targets, settings["batch"])
    load_ocellus_weights(model, settings["weights"])
    for b in settings["inferBatches"]:
        result.update(time_inference(model, scenes, b, settings["budget"]))
    result.update(count_work(model, scenes, max(settings["inferBatches"])))
    return result


def main():
    spec_path, pixels_path, objects_path, threads = sys.argv[1:5]
    torch.set_num_threads(int(threads))
    with open(spec_path) as f:
        spec = json.load(f)
    with open(objects_path) as f:
        scene_file = json.load(f)
    c, h, w = scene_file["channels"], scene_file["height"], scene_file["width"]
    scenes = torch.from_numpy(np.fromfile(pixels_path, dtype="<f4").reshape(-1, c, h, w))
    targets = [
        {
            "boxes": torch.tensor([o["box"] for o in objects], dtype=torch.float32).reshape(-1, 4),
            "labels": torch.tensor([o["index"] + 1 for o in objects], dtype=torch.int64),
        }
        for objects in scene_file["objects"]
    ]
    versions = {"torch": torch.__version__, "torchvision": torchvision.__version__}
    print(json.dumps({"ready": True, "blas": blas_info(), **versions}), flush=True)
    for line in sys.stdin:
        print(json.dumps(bench(spec, scenes, targets, json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
