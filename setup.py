"""Builds the one compiled module, ``tracker_counting`` (native/tracker_counting.pyx: the
timeline's facet counts); everything else is in pyproject.toml."""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [
            Extension(
                "tracker_counting",
                ["native/tracker_counting.pyx"],
                extra_compile_args=["-O3"],
            )
        ],
        compiler_directives={"language_level": 3},
    )
)
