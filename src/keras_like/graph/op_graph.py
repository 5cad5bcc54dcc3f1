"""A readable view of a captured engine graph: nodes (ops) and edges (the values between them),
printable, and exportable as Graphviz DOT."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class OpNode:
    """One engine call: `op` reads the `inputs` slots and writes the `outputs` slots (in place
    into existing slots for assignments and optimizer updates)."""

    index: int
    op: str
    inputs: tuple
    outputs: tuple
    in_place: bool


@dataclasses.dataclass(frozen=True)
class Edge:
    """A value (`slot`) flowing from the node that wrote it (None for a graph input or a
    captured tensor) to a node that reads it."""

    source: object
    target: int
    slot: int


class OpGraph:
    def __init__(self, graph, name="function"):
        self.name = name
        self._graph = graph
        self.slot_specs = [(tuple(shape), dtype) for shape, dtype in graph.slot_specs]
        self.argument_slots = tuple(graph.argument_slots)
        self.capture_slots = tuple(graph.capture_slots)
        self.output_slots = tuple(graph.output_slots)
        self.nodes = [OpNode(i, op, tuple(ins), tuple(outs), in_place)
                      for i, (op, ins, outs, in_place) in enumerate(graph.nodes)]

    @property
    def edges(self):
        writer = {}
        edges = []
        for node in self.nodes:
            for slot in node.inputs:
                edges.append(Edge(writer.get(slot), node.index, slot))
            for slot in node.outputs:
                writer[slot] = node.index
        return edges

    def op_counts(self):
        """How many nodes run each op, most frequent first."""
        counts = {}
        for node in self.nodes:
            counts[node.op] = counts.get(node.op, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def _value(self, slot):
        shape, dtype = self.slot_specs[slot]
        return f"{dtype}{list(shape)}"

    def __str__(self):
        lines = [f"graph {self.name}: {len(self.argument_slots)} arguments, "
                 f"{len(self.capture_slots)} captured tensors, {len(self.nodes)} nodes, "
                 f"{len(self.output_slots)} outputs"]
        for i, slot in enumerate(self.argument_slots):
            lines.append(f"  %{slot} = argument {i}: {self._value(slot)}")
        for slot in self.capture_slots:
            lines.append(f"  %{slot} = captured: {self._value(slot)}")
        for node in self.nodes:
            args = ", ".join(f"%{s}" for s in node.inputs)
            outs = ", ".join(f"%{s}" for s in node.outputs)
            if node.in_place:
                lines.append(f"  {node.op}({args}) -> in place %{outs.replace(', ', ', %')}")
            else:
                types = ", ".join(self._value(s) for s in node.outputs)
                lines.append(f"  {outs} = {node.op}({args}): {types}")
        lines.append("  return " + ", ".join(f"%{s}" for s in self.output_slots))
        return "\n".join(lines)

    __repr__ = __str__

    def to_dot(self):
        """The graph in Graphviz DOT: one box per op, one ellipse per input, captured tensor
        and output, edges labelled with the value's dtype and shape."""
        out = [f'digraph "{self.name}" {{', "  rankdir=TB;", '  node [fontsize=10];']
        for i, slot in enumerate(self.argument_slots):
            out.append(f'  v{slot} [shape=ellipse, label="argument {i}\\n{self._value(slot)}"];')
        for slot in self.capture_slots:
            out.append(f'  v{slot} [shape=ellipse, style=dashed, '
                       f'label="captured\\n{self._value(slot)}"];')
        for node in self.nodes:
            style = ", style=bold" if node.in_place else ""
            out.append(f'  n{node.index} [shape=box{style}, label="{node.op}"];')
        for edge in self.edges:
            source = f"v{edge.slot}" if edge.source is None else f"n{edge.source}"
            out.append(f'  {source} -> n{edge.target} [label="{self._value(edge.slot)}"];')
        writer = {}
        for node in self.nodes:
            for slot in node.outputs:
                writer[slot] = node.index
        for i, slot in enumerate(self.output_slots):
            out.append(f'  out{i} [shape=ellipse, label="output {i}\\n{self._value(slot)}"];')
            source = f"n{writer[slot]}" if slot in writer else f"v{slot}"
            out.append(f"  {source} -> out{i};")
        out.append("}")
        return "\n".join(out) + "\n"
