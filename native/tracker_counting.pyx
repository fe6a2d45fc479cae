# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Facet counting for the timeline's columns (tracker/timeline_index.py), compiled.

A facet count is, for each value (a country, an organization…), how many of the chosen
events link to it. numpy does it in passes that each write an array as long as the links
(a gather, then a sum per value): at a million events, four million organization links, that
is memory traffic the page waits for. Here each count is one loop that writes nothing but the
counts, with the interpreter let go so a view's facets are counted on all cores.

Two ways round, as the links are held both ways:

- ``by_value``: for each value, its run of slots (``slots_by_value``, ``value_starts``), each
  looked up in the chosen events as *bits* (a million events in 128 KB, which stays in the
  core's cache). Its cost is the number of links: the way for views that choose many events.
- ``by_slot``: for each chosen slot, its run of values (``by_slot``, ``values``), each counted.
  Its cost is the number of slots plus the chosen events' links: the way for views that
  choose few.
"""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t


def by_value(const uint64_t[::1] bits, const int32_t[::1] slots_by_value,
             const int64_t[::1] value_starts, int64_t[::1] out):
    """``out[v]`` = the slots of value ``v``'s run set in ``bits`` (slot s is bit s % 64 of
    word s // 64), for every value with a run (``len(value_starts) - 1`` of them)."""
    cdef Py_ssize_t values = value_starts.shape[0] - 1
    cdef Py_ssize_t value, i
    cdef int64_t found
    cdef uint64_t slot
    if out.shape[0] < values:
        raise ValueError("out is shorter than the values counted")
    with nogil:
        for value in range(values):
            found = 0
            for i in range(value_starts[value], value_starts[value + 1]):
                slot = <uint64_t>slots_by_value[i]
                found += (bits[slot >> 6] >> (slot & 63)) & 1
            out[value] = found
    return out


def by_slot(const uint8_t[::1] mask, const int32_t[::1] starts, const int32_t[::1] values,
            int64_t[::1] out):
    """``out[v]`` += the slots chosen in ``mask`` that link to value ``v``: slot s's values
    are ``values[starts[s]:starts[s + 1]]``, each below ``len(out)``."""
    cdef Py_ssize_t slots = min(mask.shape[0], starts.shape[0] - 1)
    cdef Py_ssize_t size = out.shape[0]
    cdef Py_ssize_t slot, j
    cdef int32_t value
    cdef bint outside = False
    with nogil:
        for slot in range(slots):
            if mask[slot]:
                for j in range(starts[slot], starts[slot + 1]):
                    value = values[j]
                    if 0 <= value < size:
                        out[value] += 1
                    else:
                        outside = True
    if outside:
        raise ValueError("a value is outside out")
    return out
