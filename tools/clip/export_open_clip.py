#!/usr/bin/env python3
"""Exports open_clip's CLIP image encoder to the TorchScript file GPU Resource Manager loads
(input [N, 3, 224, 224] normalized as CLIP does, output [N, 512]).

Needs PyTorch and open_clip (pip install torch open_clip_torch); downloads the weights once.
    python3 tools/clip/export_open_clip.py ViT-B-32.pt
    python3 tools/clip/export_open_clip.py --model ViT-B-32 --pretrained laion2b_s34b_b79k ViT-B-32.pt
"""
import argparse

import open_clip
import torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="the .pt file to write")
    parser.add_argument("--model", default="ViT-B-32")
    parser.add_argument("--pretrained", default="openai", help="an open_clip pretrained tag (default: openai)")
    args = parser.parse_args()

    model, _, preprocess = open_clip.create_model_and_transforms(args.model, pretrained=args.pretrained)
    visual = model.visual.eval()
    with torch.no_grad():
        traced = torch.jit.trace(visual, torch.randn(1, 3, 224, 224))
        check = torch.randn(3, 3, 224, 224)
        expected, actual = visual(check), traced(check)
        assert actual.shape == (3, 512), f"unexpected output shape {tuple(actual.shape)}"
        assert torch.allclose(actual, expected, atol=1e-4), "the traced model does not match the original"
    traced.save(args.out)
    print(f"wrote {args.out}; the manager reproduces this preprocessing, check it is CLIP's:\n{preprocess}")


if __name__ == "__main__":
    main()
