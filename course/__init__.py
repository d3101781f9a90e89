"""Deep Learning for Audio with Python: the package behind the course notebooks.

Modules, bottom layer first (each imports only from the layers below it):

- ``settings``: constants, feature and training parameters, smoke or full run size.
- ``audio``: loading any audio file as mono float32 at 22050 Hz.
- ``sample``: the synthetic, GTZAN-shaped sample dataset.
- ``dataset``: finding a dataset, segmenting, MFCC features, the cache, splits.
- ``models``: the Keras model builders (defaults are the notes' models).
- ``training``: seeding, fitting and evaluating.
- ``plots``: the figures.
- ``__main__``: the command line, ``python -m course``.

Importing ``course`` is cheap: TensorFlow is only imported by ``models`` and ``training``.
"""

import os as _os

# Keras 3 runs on TensorFlow here. TensorFlow's C++ log lines (start-up chatter, and a
# harmless tf.data "NodeDef mentions attribute use_unbounded_threadpool" line that TF 2.20-2.21
# print on every fit) are kept out of outputs; errors still raise Python exceptions. Set
# TF_CPP_MIN_LOG_LEVEL=0 before starting Python to see them.
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
