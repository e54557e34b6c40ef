"""Renders lines of text into images shaped for the PaddleOCR detector and
writes them normalized as PaddleOCR does (RGB / 255, ImageNet mean and
std, NCHW float32): a real input for the detector, whose probability map
then has text regions to find (random noise gives an all-zero map).

usage: make_text_images.py OUT_DIR COUNT [SIZE]
Writes OUT_DIR/text_N.npy (1x3xSIZExSIZE) and OUT_DIR/text_N.png.
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WORDS = ("invoice total amount due date paid receipt order number customer "
         "account balance tax shipping address street city quantity price "
         "item description subtotal discount payment method card cash change "
         "thank you visit again store hours open monday friday saturday").split()
FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"]


def render(seed, size):
    rng = np.random.default_rng(seed)
    shade = int(rng.integers(200, 256))
    image = Image.new("RGB", (size, size), (shade, shade, int(rng.integers(190, 256))))
    draw = ImageDraw.Draw(image)
    y = int(rng.integers(4, 20))
    while y < size - 24:
        height = int(rng.integers(12, 28))
        font = ImageFont.truetype(FONTS[int(rng.integers(len(FONTS)))], height)
        text = " ".join(rng.choice(WORDS, int(rng.integers(1, 5))))
        ink = tuple(int(v) for v in rng.integers(0, 90, 3))
        draw.text((int(rng.integers(2, size // 3)), y), text, fill=ink, font=font)
        y += height + int(rng.integers(6, 24))
    return image


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 320
    os.makedirs(out, exist_ok=True)
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    for i in range(count):
        image = render(1000 + i, size)
        image.save(os.path.join(out, "text_%d.png" % i))
        x = (np.asarray(image, np.float32) / 255.0 - mean) / std
        np.save(os.path.join(out, "text_%d.npy" % i),
                x.transpose(2, 0, 1)[None].astype(np.float32))


if __name__ == "__main__":
    main()
