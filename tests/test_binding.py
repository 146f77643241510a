"""The binding contract (issue 11, part 4): one ``Binding`` decides which slot of ``ng_run``'s
arrays every input takes; ``network.cpp``'s ``bind``, the runtime and the standalone layout
all follow it, and spikes in transit are declared in it. No compiler needed."""
from __future__ import annotations

import re

import numpy as np
import pytest

from neurogen import *
from builtins import all, any, sum  # the star import gives numpy's, as Brian2's does
from neurogen.binding import DT, RESERVED, SEED, T_START, Binding
from neurogen.compiled.library import Manifest
from neurogen.errors import DamagedCacheEntryError
from neurogen.compiler.lower.network import lower_network
from neurogen.frontend.namespace import resolve_externals
from neurogen.compiler.passes import run_passes
from neurogen.compiler.render import render_network
from neurogen.standalone.layout import layout_text, source_of


def _network():
    G = NeuronGroup(4, "dv/dt = -v/(10*ms) : 1\nI : 1", threshold="v > 1", reset="v = 0", method="exact")
    S = Synapses(G, G, "w : 1", on_pre="v += w", delay=1 * ms)
    S.connect(i=[0, 1], j=[2, 3])
    objects = [G, S, SpikeMonitor(G), StateMonitor(G, "v", record=[0])]
    externals = {id(o): resolve_externals(o, None, {}) for o in objects}
    network = run_passes(lower_network(objects, externals))
    members = {o.member: obj for o, obj in zip(network.objects, objects)}
    return network, members


def test_each_kind_is_numbered_after_the_networks_own_values():
    binding = Binding.from_fields([("g", "v", "double", "array"), ("g", "tau", "double", "scalar"),
                                   ("g", "N", "int64_t", "integer"), ("g", "q", "ng::SpikeQueue", "internal"),
                                   ("g", "w", "double", "array"), ("m", "t", "double", "dynamic")])
    assert [(s.key, s.index) for s in binding.inputs] == [("g.v", 0), ("g.tau", 2), ("g.N", 1), ("g.w", 1)]
    assert [(s.key, s.index) for s in binding.outputs] == [("m.t", 0)]
    assert (DT.index, T_START.index, SEED.index) == (0, 1, 0)
    assert (binding.size("array"), binding.size("scalar"), binding.size("integer")) == (2, 3, 2)


def test_bind_reads_every_input_from_the_slot_of_the_binding():
    """The rendered ``bind`` and the binding the runtime fills by are one contract."""
    network, _ = _network()
    binding = network.binding()
    code = render_network(network)["network.cpp"]
    body = code[code.index("void bind("):code.index("static int64_t steps(")]
    found = {(m.group(2), int(m.group(3))) for m in re.finditer(r"net\.(\S+) = .*?(arrays|scalars|integers)\[(\d+)\]",
                                                                 body)}
    plural = {"array": "arrays", "scalar": "scalars", "integer": "integers"}
    expected = {(plural[s.kind], s.index) for s in (*RESERVED, *binding.inputs)}
    assert found == expected and len(found) == len(binding.inputs) + len(RESERVED)
    assert len(re.findall(r"net\.\S+ = ", body)) == len(found)  # each slot read once
    outputs = {int(i) for i in re.findall(r"if \(id == (\d+)\) return static_cast", code)}
    assert outputs == {s.index for s in binding.outputs}


def test_the_standalone_layout_lists_the_slots_of_the_binding():
    network, members = _network()
    binding = network.binding()
    lines = layout_text(network, members).splitlines()
    listed = [(f[0], int(f[1]), f[3] if f[0] == "array" else f[2]) for f in (line.split() for line in lines)
              if f[0] in ("array", "scalar", "integer")]
    assert listed == [(s.kind, s.index, s.key) for s in binding.inputs]
    assert [line for line in lines if line.startswith("reserved")] == [
        "reserved scalar 0 dt", "reserved scalar 1 t_start", "reserved integer 0 seed"]


def test_spikes_in_transit_are_declared_by_the_contract():
    network, members = _network()
    binding = network.binding()
    member = next(m for m, o in members.items() if isinstance(o, Synapses))
    assert {(c.input, c.output) for c in binding.carried} == {
        ("_pre_queue_items", "_pre_pending_items"), ("_pre_queue_steps", "_pre_pending_steps"),
        ("_pre_queue_n", "_pre_pending_items")}
    assert all(c.member == member for c in binding.carried)
    n = next(s for s in binding.inputs if s.key == f"{member}._pre_queue_n")
    assert source_of(members[member], n, binding) == ("carried", f"{member}._pre_pending_items")
    manifest = Manifest.from_json(Manifest.of("k", binding).to_json())
    assert manifest.binding == binding


@pytest.mark.parametrize("carried", [[["g", "v", "nothing"]], [["g", "tau", "out"]], [["g", "v", "out"]]])
def test_a_manifest_whose_carry_names_no_such_input_is_damaged(carried):
    import json

    text = json.dumps({"module": "k", "fields": [["g", "v", "int32_t", "array"], ["g", "tau", "double", "scalar"],
                                                 ["g", "out", "int64_t", "dynamic"]], "carried": carried})
    with pytest.raises(DamagedCacheEntryError, match="invalid manifest"):
        Manifest.from_json(text)


def test_one_provider_gives_every_input_of_a_run():
    """``neurogen.runtime.inputs`` answers for every input the binding lists (no name is missing)."""
    from neurogen.runtime.inputs import value_provider
    from neurogen.runtime.simulation import _check_array

    network, members = _network()
    for obj in members.values():
        if isinstance(obj, StateMonitor):
            obj._allocate(5)
    binding = network.binding()
    externals = {m: resolve_externals(o, None, {}) for m, o in members.items()}
    values = value_provider(members, externals, every={m: 1 for m in members}, step0=3)
    for slot in binding.inputs:
        value = values(slot.member, slot.name, slot.kind)
        if slot.kind == "array":
            _check_array(value, slot.ctype, slot.member, slot.name)
        else:
            assert np.isfinite(float(value)), slot.key
    monitor = next(m for m, o in members.items() if isinstance(o, StateMonitor))
    assert values(monitor, "_first_step", "integer") == 3 and values(monitor, "_n_indices", "integer") == 1


def test_one_collector_puts_outputs_back_by_the_binding():
    """``neurogen.runtime.collect``: spike records to the monitor, spikes in transit (declared carried)
    to the synapses, only when asked (a standalone program's last run)."""
    from neurogen.runtime.collect import collect_results

    network, members = _network()
    binding = network.binding()
    synapses = next(m for m, o in members.items() if isinstance(o, Synapses))
    monitor = next(m for m, o in members.items() if isinstance(o, SpikeMonitor))
    state = next(m for m, o in members.items() if isinstance(o, StateMonitor))
    outputs = {(monitor, "i"): np.array([1, 2], np.int32), (monitor, "t"): np.array([0.1, 0.2]),
               (synapses, "_pre_pending_items"): np.array([0], np.int32),
               (synapses, "_pre_pending_steps"): np.array([7], np.int64),
               (state, "_t"): np.array([0.0, 1e-4]), (state, "_rec_v"): np.zeros((2, 1))}
    rows = {m: 2 for m in members}
    collect_results(binding, members, outputs, dt={m: 1e-4 for m in members}, rows=rows, carried=False)
    assert len(members[synapses]._queue("pre")["items"]) == 0
    collect_results(binding, members, outputs, dt={m: 1e-4 for m in members}, rows=rows)
    assert list(members[synapses]._queue("pre")["steps"]) == [7]
    assert list(members[monitor].i) == [1, 2, 1, 2] and len(members[state].t) == 4


def test_a_subclass_of_neurongroup_gets_a_neurongroups_layout_rules():
    """Bug: the standalone layout looked its rules up by class name, so a NeuronGroup subclass
    (lowered as a NeuronGroup) failed with 'no rule for the array input group0.v'."""
    class MyGroup(NeuronGroup):
        pass

    G = MyGroup(4, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
    network = run_passes(lower_network([G], {id(G): resolve_externals(G, None, {})}))
    text = layout_text(network, {"group0": G})
    assert "array 0 double group0.v persistent - count=group0.N" in text
    assert "group0._spikespace" in text


def test_every_kind_of_object_that_lowers_has_standalone_layout_rules():
    """The whole class of the subclass bug above: lowering and the standalone layout look kinds
    up the same way, and every kind lowering knows has layout rules (else a project refuses it)."""
    from neurogen.compiler.lower import inputs, monitors, neurons, spikegenerator, synapses
    from neurogen.standalone.layout import _RULES

    kinds = [cls for module in (inputs, monitors, neurons, spikegenerator, synapses) for cls in module.LOWERERS]
    assert kinds and [cls.__name__ for cls in kinds if not any(issubclass(cls, k) for k in _RULES)] == []
