# cython: language_level=3, boundscheck=False, wraparound=False
"""The model-independent shell: loads a compiled network library and runs it without the GIL.

Built once per neurogen version and toolchain; every model is a plain C++ shared library
that this shell opens with dlopen, so a model build never runs Cython.
"""
from libc.stdint cimport int64_t
from cpython.exc cimport PyErr_CheckSignals

cdef extern from "<dlfcn.h>" nogil:
    void* dlopen(const char* filename, int flags)
    void* dlsym(void* handle, const char* symbol)
    int dlclose(void* handle)
    char* dlerror()
    int RTLD_NOW
    int RTLD_LOCAL

ctypedef int (*callback_t)(void*, int64_t) noexcept nogil
ctypedef void* (*create_t)() noexcept nogil
ctypedef void (*destroy_t)(void*) noexcept nogil
ctypedef int (*abi_t)() noexcept nogil
ctypedef int64_t (*run_t)(void*, void**, const int64_t*, const double*, const int64_t*,
                          int64_t, int64_t, double, callback_t, void*) noexcept nogil
ctypedef int64_t (*dyn_size_t)(void*, int) noexcept nogil
ctypedef const void* (*dyn_data_t)(void*, int) noexcept nogil
ctypedef void (*dyn_clear_t)(void*, int) noexcept nogil
ctypedef int64_t (*profile_slots_t)() noexcept nogil
ctypedef void (*set_profile_t)(void*, double*) noexcept nogil
ctypedef void (*set_segment_t)(void*, int64_t, int64_t) noexcept nogil

ABI_VERSION = 1


cdef int _on_callback(void* data, int64_t steps_done) noexcept nogil:
    with gil:
        return (<Model>data)._callback(steps_done)


cdef void* _symbol(void* handle, bytes name) except NULL:
    cdef void* found = dlsym(handle, name)
    if found == NULL:
        raise ImportError("compiled network library lacks symbol " + name.decode())
    return found


cdef class Model:
    """One instance of a compiled network: its library handle and its C++ state."""
    cdef void* handle
    cdef void* network
    cdef run_t run_fn
    cdef destroy_t destroy_fn
    cdef dyn_size_t dyn_size_fn
    cdef dyn_data_t dyn_data_fn
    cdef dyn_clear_t dyn_clear_fn
    cdef set_profile_t set_profile_fn
    cdef set_segment_t set_segment_fn
    cdef readonly int64_t profile_slots
    cdef object callback
    cdef object error

    def __cinit__(self, str path):
        self.handle = dlopen(path.encode(), RTLD_NOW | RTLD_LOCAL)
        if self.handle == NULL:
            raise ImportError("cannot load compiled network " + path + ": " + dlerror().decode())
        if (<abi_t>_symbol(self.handle, b"ng_abi_version"))() != ABI_VERSION:
            raise ImportError("compiled network " + path + " has another ABI version")
        self.run_fn = <run_t>_symbol(self.handle, b"ng_run")
        self.destroy_fn = <destroy_t>_symbol(self.handle, b"ng_destroy")
        self.dyn_size_fn = <dyn_size_t>_symbol(self.handle, b"ng_dynamic_size")
        self.dyn_data_fn = <dyn_data_t>_symbol(self.handle, b"ng_dynamic_data")
        self.dyn_clear_fn = <dyn_clear_t>_symbol(self.handle, b"ng_dynamic_clear")
        self.set_profile_fn = <set_profile_t>_symbol(self.handle, b"ng_set_profile")
        self.profile_slots = (<profile_slots_t>_symbol(self.handle, b"ng_profile_slots"))()
        # only networks with network operations can pause inside a step (NULL for the others)
        self.set_segment_fn = <set_segment_t>dlsym(self.handle, b"ng_set_segment")
        self.network = (<create_t>_symbol(self.handle, b"ng_create"))()

    def __dealloc__(self):
        if self.network != NULL:
            self.destroy_fn(self.network)
        # The library stays loaded: other Model instances may share its handle's code.

    cdef int _callback(self, int64_t steps_done):
        try:
            PyErr_CheckSignals()
            if self.callback is not None:
                self.callback(steps_done)
        except BaseException as exc:
            self.error = exc
            return 1
        return 0

    def run(self, size_t arrays, size_t sizes, size_t scalars, size_t integers,
            int64_t step0, int64_t n_steps, double interval, callback):
        """Run n_steps from step0 with the GIL released; returns (steps done, exception or None).

        The four inputs are addresses of arrays the caller keeps alive during the call (void*
        pointers, int64 sizes, doubles, int64s): plain integers keep this shell small and fast
        to build. ``callback(steps_done)`` runs every ``interval`` seconds of wall time; Ctrl-C
        (or an exception in the callback) stops the loop at a step boundary and is returned,
        so the caller can first bring its state up to date, then raise it.
        """
        cdef int64_t done
        self.callback = callback
        self.error = None
        with nogil:
            done = self.run_fn(self.network, <void**>arrays, <const int64_t*>sizes,
                               <const double*>scalars, <const int64_t*>integers, step0,
                               n_steps, interval, _on_callback, <void*>self)
        self.callback = None
        error, self.error = self.error, None
        return done, error

    def set_profile(self, size_t seconds, int64_t size):
        """Time each call of the step loop into ``seconds`` (the address of ``size`` doubles the
        caller keeps alive until ``set_profile(0, 0)``); 0 turns profiling off."""
        if seconds != 0 and size != self.profile_slots:
            raise ValueError(f"profiling needs {self.profile_slots} slots, got {size}")
        self.set_profile_fn(self.network, <double*>seconds)

    def set_segment(self, int64_t cut_begin, int64_t cut_end):
        """Where the next ``run`` starts inside its first step and stops inside the step after
        its last (segments between network operations); only networks with operations have it."""
        if self.set_segment_fn == NULL:
            if cut_begin == 0 and cut_end == 0:
                return
            raise ValueError("this compiled network has no network operations to pause at")
        self.set_segment_fn(self.network, cut_begin, cut_end)

    def dynamic(self, int index, int itemsize):
        """A copy of C++-owned record ``index`` as bytes; the C++ side then forgets it."""
        cdef int64_t size = self.dyn_size_fn(self.network, index)
        cdef const char* data = <const char*>self.dyn_data_fn(self.network, index)
        result = data[:size * itemsize] if size > 0 else b""
        self.dyn_clear_fn(self.network, index)
        return result
