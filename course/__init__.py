"""Deep Learning for Audio with Python: the package behind the course notebooks.

One module per job, in floors from the from-scratch teaching code to the command line; a module
imports only the modules below it. ``ARCHITECTURE.md`` in the repository lists them all:

- ``errors``, ``settings``: the ``CourseError`` family and argument checks; constants.
- ``dsp``, ``scratch``: signals and layers from scratch in numpy, tested against librosa and Keras.
- ``plots``, ``learning_plots``, ``remedy_plots``: the figures, in one style.
- ``audio``, ``recipes``, ``synth``, ``sample``, ``fma``, ``data``, ``emotion_data``: reading
  audio, the synthetic samples, FMA's metadata, finding a dataset and listing its tracks.
- ``features``, ``splits``, ``augment``: MFCCs and their cache; splits; augmentation.
- ``models``, ``training``, ``evaluation``, ``probes``: Keras builders; fitting; song-level
  evaluation and statistics; instruments for single notebooks.
- ``experiments``, ``emotion``: the comparisons behind ``python -m course compare`` and
  notebooks 10 and 11.
- ``environment``, ``notebook``, ``__main__``: the environment check, notebook helpers, the
  command line.

Importing ``course`` is cheap: TensorFlow is imported only when a model is built or trained.
"""

# Importing course changes nothing outside it: no environment variable, no Matplotlib setting.
# course.models.import_keras() sets Keras's backend (TensorFlow) and quiets TensorFlow's C++ log
# lines just before TensorFlow is first imported, and course.plots.use_course_style() applies the
# figure style where the notebooks and the command line ask for it.
from .settings import COURSE_VERSION as __version__  # noqa: F401 (the package version)
