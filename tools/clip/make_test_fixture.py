#!/usr/bin/python3
"""Builds the CLIP test fixture: a small CLIP-shaped vision transformer (patch 32, width 64, 2 layers,
projected to 512, fixed seed) saved as TorchScript, a few generated images, and their reference embeddings
computed with CLIP's preprocessing (shorter side to 224 bicubic, center crop, RGB, CLIP mean/std) and
L2-normalized.

Run with Debian's Python and torch (apt-get install -y python3-torch python3-pil), from the repository root:
    /usr/bin/python3 tools/clip/make_test_fixture.py src/test/resources/clip
"""
import json
import pathlib
import sys

import numpy as np
import torch
from PIL import Image, ImageDraw

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)
SIZE = 224


class Block(torch.nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.ln_1 = torch.nn.LayerNorm(width)
        self.attn = torch.nn.MultiheadAttention(width, heads)
        self.ln_2 = torch.nn.LayerNorm(width)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(width, width * 4), torch.nn.GELU(), torch.nn.Linear(width * 4, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class TinyClipVisual(torch.nn.Module):
    """open_clip's VisionTransformer in miniature: conv patches, class token, positions, pre-norm blocks."""

    def __init__(self, width: int = 64, layers: int = 2, heads: int = 4, patch: int = 32, output_dim: int = 512):
        super().__init__()
        grid = SIZE // patch
        scale = width ** -0.5
        self.conv1 = torch.nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        self.class_embedding = torch.nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = torch.nn.Parameter(scale * torch.randn(grid * grid + 1, width))
        self.ln_pre = torch.nn.LayerNorm(width)
        self.blocks = torch.nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.ln_post = torch.nn.LayerNorm(width)
        self.proj = torch.nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)                                  # [N, width, 7, 7]
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)  # [N, 49, width]
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x).permute(1, 0, 2)                # [tokens, N, width]
        for block in self.blocks:
            x = block(x)
        x = self.ln_post(x.permute(1, 0, 2)[:, 0, :])
        return x @ self.proj                               # [N, 512]


def preprocess(image: Image.Image) -> np.ndarray:
    """torchvision's Resize(224, BICUBIC) + CenterCrop(224) + ToTensor + Normalize, written out."""
    image = image.convert("RGB")
    w, h = image.size
    if w <= h:
        size = (SIZE, int(SIZE * h / w))
    else:
        size = (int(SIZE * w / h), SIZE)
    image = image.resize(size, Image.BICUBIC)
    w, h = image.size
    top = int(round((h - SIZE) / 2.0))
    left = int(round((w - SIZE) / 2.0))
    image = image.crop((left, top, left + SIZE, top + SIZE))
    pixels = np.asarray(image, dtype=np.float32) / 255.0   # [224, 224, 3]
    pixels = (pixels - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return pixels.transpose(2, 0, 1)                      # [3, 224, 224]


def images(rng: np.random.Generator):
    """A screenshot-like picture, a photo-like gradient with noise, a tall and a tiny image."""
    ui = Image.new("RGB", (640, 400), (236, 239, 244))
    d = ImageDraw.Draw(ui)
    d.rectangle((0, 0, 640, 36), fill=(36, 41, 47))
    d.rectangle((40, 80, 300, 120), outline=(9, 105, 218), width=3, fill=(255, 255, 255))
    d.rectangle((340, 80, 600, 360), fill=(31, 136, 61))
    d.ellipse((60, 180, 220, 340), fill=(207, 34, 46))
    yield "ui-640x400.png", ui

    y, x = np.mgrid[0:300, 0:500]
    photo = np.stack([x / 500 * 255, y / 300 * 255, (x + y) / 800 * 255], axis=-1)
    photo = np.clip(photo + rng.normal(0, 25, photo.shape), 0, 255).astype(np.uint8)
    yield "noise-500x300.png", Image.fromarray(photo, "RGB")

    tall = rng.integers(0, 256, (512, 230, 3), dtype=np.uint8)
    yield "random-230x512.png", Image.fromarray(tall, "RGB")

    tiny = Image.new("RGB", (96, 64), (250, 200, 20))
    ImageDraw.Draw(tiny).line((0, 0, 96, 64), fill=(10, 10, 10), width=5)
    yield "tiny-96x64.png", tiny


def main(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(20261130)
    model = TinyClipVisual().eval()
    scripted = torch.jit.script(model)
    scripted.save(str(out / "tiny-clip-vit.pt"))

    reference = {"torch_version": torch.__version__, "mean": MEAN, "std": STD, "images": {}}
    rng = np.random.default_rng(7)
    batch, names = [], []
    for name, image in images(rng):
        image.save(out / name)
        batch.append(preprocess(Image.open(out / name)))
        names.append(name)
    with torch.no_grad():
        embeddings = scripted(torch.from_numpy(np.stack(batch)))
        embeddings = embeddings / embeddings.norm(dim=-1, keepdim=True)
    for name, pixels, embedding in zip(names, batch, embeddings):
        reference["images"][name] = {
            "embedding": [float(v) for v in embedding],
            # A few preprocessed values, so a preprocessing mismatch is told apart from a model mismatch.
            "pixel_probe": [float(pixels[c, yy, xx]) for c, yy, xx in ((0, 0, 0), (1, 111, 57), (2, 223, 223), (0, 17, 200))],
        }
    (out / "reference.json").write_text(json.dumps(reference, indent=1))
    print("wrote", out, "with", len(names), "images")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/clip"))
