#!/usr/bin/env python3
"""Trains the small Fashion-MNIST CNN kept as a test fixture, with Debian's
python3-torch on Debian's dataset-fashion-mnist, and exports it to ONNX.

    /usr/bin/python3 test/models/fashion-mnist/train_cnn.py

Writes, next to this script:
  fashion_mnist_cnn.onnx   input "image" [N, 1, 28, 28] float in [0, 1],
                           output "logits" [N, 10]; opset 17
  reference.npz            the first 64 test images, their labels, and
                           PyTorch's logits for them (the reference a test
                           compares Smelt with)
Deterministic (fixed seeds, one thread); takes about two minutes on 2 cores.
"""

import gzip
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(),
            nn.Linear(128, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    train_x = torch.tensor(read_idx("train-images-idx3-ubyte.gz"),
                           dtype=torch.float32).unsqueeze(1) / 255
    train_y = torch.tensor(read_idx("train-labels-idx1-ubyte.gz"), dtype=torch.long)
    test_x = torch.tensor(read_idx("t10k-images-idx3-ubyte.gz"),
                          dtype=torch.float32).unsqueeze(1) / 255
    test_y = torch.tensor(read_idx("t10k-labels-idx1-ubyte.gz"), dtype=torch.long)

    model = CNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(2):
        order = torch.randperm(len(train_x))
        for start in range(0, len(train_x), 128):
            idx = order[start:start + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(train_x[idx]), train_y[idx])
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        predictions = torch.cat([model(test_x[i:i + 1000]).argmax(1)
                                 for i in range(0, len(test_x), 1000)])
        accuracy = (predictions == test_y).float().mean().item()
        sample = test_x[:64]
        logits = model(sample)
    torch.onnx.export(model, sample, os.path.join(HERE, "fashion_mnist_cnn.onnx"),
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}},
                      opset_version=17)
    np.savez(os.path.join(HERE, "reference.npz"), images=sample.numpy(),
             labels=test_y[:64].numpy(), logits=logits.numpy())
    print("test accuracy %.4f on %d images" % (accuracy, len(test_x)))


if __name__ == "__main__":
    main()
