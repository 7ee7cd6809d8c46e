"""The picture of a design: the Mermaid flowchart read back as a graph (every workload, Pod,
container, Service and link where it belongs), the DOT graph drawn by the real Graphviz, and
`evaluate --format mermaid|dot|svg`."""

from __future__ import annotations

import html
import os
import re
import struct
import subprocess

import pytest
from helpers.paths import FIXTURES
from helpers.tools import require_tool
from helpers.manifest_forms import ANSWER_FILES, IDS, each_answer_file, run_all

from advisor.answers.load import load_answers
from advisor.engine.advise import advise
from advisor.render.graph import PALETTE, to_dot, to_mermaid
from advisor.render.style import role_colour

SHOP = FIXTURES / "render" / "shop-three-workloads.yaml"  # six containers in three workloads
GRAPHVIZ = "install the package graphviz: apt-get install graphviz, or brew install graphviz"

SUBGRAPH = re.compile(r'^\s*subgraph (\w+)\["(.*)"\]$')
NODE = re.compile(r'^\s*(\w+)(?:\["(.*)"\]|\(\["(.*)"\]\)|\[\("(.*)"\)\])$')
EDGE = re.compile(r"^\s*(\w+) (-->|==>|<-\.->|-\.-|~~~)(?:\|([^|]*)\|)? (\w+)$")
CLASS = re.compile(r"^\s*class ([\w,]+) (\w+)$")


def text_of(label: str) -> list[str]:
    for code, char in (("#quot;", '"'), ("#lt;", "<"), ("#gt;", ">"), ("#124;", "|"), ("#35;", "#")):
        label = label.replace(code, char)
    return label.split("<br/>")


class Flowchart:
    """A Mermaid flowchart read back: its groups, nodes (with the groups they sit in), edges, classes."""

    def __init__(self, text: str):
        self.groups, self.nodes, self.edges, self.classes, self.inside = {}, {}, [], {}, {}
        stack: list[str] = []
        lines = text.splitlines()
        assert lines[:4] == ["---", lines[1], "---", "flowchart TB"]
        for line in lines[4:]:
            if m := SUBGRAPH.match(line):
                self.groups[m[1]] = text_of(m[2])
                self.inside[m[1]] = list(stack)
                stack.append(m[1])
            elif line.strip() == "end":
                stack.pop()
            elif m := EDGE.match(line):
                self.edges.append((m[1], m[2], m[3] or "", m[4]))
            elif m := CLASS.match(line):
                for node in m[1].split(","):
                    self.classes[node] = m[2]
            elif m := NODE.match(line):
                self.nodes[m[1]] = text_of(next(g for g in m.groups()[1:] if g is not None))
                self.inside[m[1]] = list(stack)
            else:
                assert line.strip().startswith(("classDef ", "style ")), line
        assert stack == []

    def node(self, title: str) -> str:
        (found,) = [i for i, label in self.nodes.items() if label[0] == title]
        return found

    def group(self, title: str, inside: list[str] | None = None) -> str:
        """The group titled ``title`` (its one line reads "title · detail · ..."), within ``inside``."""
        (found,) = [i for i, label in self.groups.items() if label[0].split(" · ")[0] == title
                    and (inside is None or self.inside[i] == inside)]
        return found

    def container(self, name: str) -> str:
        (found,) = [i for i, label in self.nodes.items() if label[0] == name or label[0].endswith(f" · {name}")]
        return found

    def linked(self, source: str, arrow: str, target: str, label: str = "") -> bool:
        return (source, arrow, label, target) in self.edges


def recommendation(path):
    return advise(load_answers(str(path)))


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_the_flowchart_shows_every_workload_pod_container_and_service_where_it_belongs(path):
    rec = recommendation(path)
    chart = Flowchart(to_mermaid(rec))
    for plan in rec.workloads:
        workload = chart.group(f"{plan.controller} {plan.name}")
        if plan.controller == "Pod":  # a bare Pod is its own workload
            frames = [workload]
        else:
            pod = chart.group("Pod", inside=[workload])
            frames = [workload, pod]
        assert f"restartPolicy {plan.restart_policy}" in chart.groups[frames[-1]][0]
        for c in plan.containers:
            node = chart.container(c.name)
            assert chart.inside[node][:len(frames)] == frames
            if c.placement == "initContainers":
                assert chart.groups[chart.inside[node][len(frames)]] == ["initContainers"]
            assert c.role in chart.nodes[node][1]
            assert c.image in "".join(chart.nodes[node][2:])
            assert chart.classes[node] == role_colour(c.role)
        if plan.service:
            service = chart.node(f"Service {plan.name}")
            assert chart.inside[service] == []
            targets = [target for source, arrow, _, target in chart.edges if source == service and arrow == "-->"]
            assert targets and all(t == frames[-1] or chart.inside[t][:len(frames)] == frames for t in targets)


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_the_flowchart_links_shared_volume_localhost_ports_and_calls(path):
    rec = recommendation(path)
    chart = Flowchart(to_mermaid(rec))
    for plan in rec.workloads:
        main = chart.container(plan.main.name)
        workload = chart.group(f"{plan.controller} {plan.name}")
        pod = workload if plan.controller == "Pod" else chart.group("Pod", inside=[workload])
        sharing = [c for c in plan.containers if c.shares_volume]
        if sharing:
            (volume,) = [i for i, label in chart.nodes.items()
                         if label == ["shared volume"] and chart.inside[i][-1] == pod]
            for c in [plan.main, *sharing]:
                assert chart.linked(chart.container(c.name), "-.-", volume)
        for c in plan.containers:
            if c.uses_localhost and c.role != "main":
                assert chart.linked(chart.container(c.name), "<-.->", main, "localhost")
        if plan.service:
            service = chart.node(f"Service {plan.name}")
            for port in plan.service_ports:
                listener = next(c for c in plan.containers if port in c.ports and c.role != "init")
                assert chart.linked(service, "-->", chart.container(listener.name), str(port))
            if plan.service_ports:
                assert chart.nodes[service][1].endswith("port " + ", ".join(map(str, plan.service_ports)))
        if plan.called_by_main:
            target = chart.node(f"Service {plan.name}") if plan.service else pod
            assert chart.linked(chart.container(rec.main.main.name), "==>", target, "calls")
    drawn = {(s, a, label, t) for s, a, label, t in chart.edges if a != "~~~"}
    expected = sum(len([c for c in p.containers if c.shares_volume]) + bool(p.shares_volume)
                   + len([c for c in p.containers if c.uses_localhost and c.role != "main"])
                   + (max(1, len(p.service_ports)) if p.service else 0) + p.called_by_main for p in rec.workloads)
    assert len(drawn) == expected  # no line the recommendation does not account for


def test_the_six_container_design_has_its_three_workloads_and_both_calls():
    chart = Flowchart(to_mermaid(recommendation(SHOP)))
    assert sorted(label[0] for label in chart.groups.values() if label[0].split()[0] in ("Deployment", "StatefulSet")) \
        == ["Deployment cache · replicas 1", "Deployment shop · replicas 3", "StatefulSet postgres · replicas 1"]
    assert len([n for n, label in chart.nodes.items() if not label[0].startswith(("Service", "shared"))]) == 6
    web = chart.container("web")
    assert chart.linked(web, "==>", chart.node("Service postgres"), "calls")
    assert chart.linked(web, "==>", chart.node("Service cache"), "calls")
    assert chart.nodes[chart.container("migrate")][0] == "1 · migrate"  # init containers start in order


def test_a_label_with_a_port_colon_and_an_at_sign_reads_back_as_written(write):
    path = write("odd.yaml", 'name: odd\nworkload: {schedule: "@daily"}\ncontainers:\n'
                             '  - {name: job, image: "registry.example:5000/team/job:1.0"}\n')
    chart = Flowchart(to_mermaid(recommendation(path)))
    assert chart.groups[chart.group("CronJob odd")] == ["CronJob odd · schedule '@daily'"]
    assert "".join(chart.nodes[chart.container("job")][2:]) == "registry.example:5000/team/job:1.0"


def test_quotes_and_markup_in_a_label_are_written_as_entities_not_as_syntax():
    from advisor.render.graph import _mermaid_text

    assert _mermaid_text('say "hi" <b>#1</b> | x') == "say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #124; x"


def test_colours_are_the_text_drawings_main_green_helpers_magenta():
    text = to_mermaid(recommendation(SHOP))
    assert f"classDef green fill:{PALETTE['green'][0]},stroke:{PALETTE['green'][1]}" in text
    assert f"classDef magenta fill:{PALETTE['magenta'][0]}" in text
    assert role_colour("main") == "green" and role_colour("ambassador") == "magenta"


# -- Graphviz -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dot():
    return require_tool("dot", GRAPHVIZ)


def draw(dot, source: str, fmt: str) -> subprocess.CompletedProcess:
    return subprocess.run([dot, f"-T{fmt}"], input=source.encode(), capture_output=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def svgs(dot, tmp_path_factory):
    """Every answer file's DOT drawn as SVG by Graphviz, side by side: {path: result}."""
    commands = {}
    for path, source in each_answer_file(tmp_path_factory.mktemp("dot")):
        source.write_text(to_dot(recommendation(path)), encoding="utf-8")
        commands[path] = [dot, "-Tsvg", str(source)]
    return run_all(commands)


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_graphviz_draws_the_dot_graph_as_svg_without_a_complaint(path, svgs):
    rec = recommendation(path)
    done = svgs[path]
    assert done.returncode == 0 and done.stderr == ""
    svg = html.unescape(done.stdout)
    for plan in rec.workloads:
        assert f">{plan.controller} {plan.name}<" in svg
        for c in plan.containers:
            assert re.search(rf">(\d+ · )?{re.escape(c.name)}<", svg), c.name


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_graphviz_draws_six_containers_in_three_workloads_as_a_png_at_most_1000_px_wide(dot):
    done = draw(dot, to_dot(recommendation(SHOP)), "png")
    assert done.returncode == 0 and done.stderr == b""
    width, height = png_size(done.stdout)
    assert width <= 1000 and height > 0


# -- the command ------------------------------------------------------------------------------


def test_evaluate_format_mermaid_prints_the_flowchart(cli):
    run = cli("evaluate", str(SHOP), "--format", "mermaid")
    assert run.status == 0 and run.stdout == to_mermaid(recommendation(SHOP))


def test_evaluate_format_dot_prints_the_graph(cli):
    run = cli("evaluate", str(SHOP), "--format", "dot")
    assert run.status == 0 and run.stdout.startswith('digraph "shop for Kubernetes 1.33" {')


def test_evaluate_format_svg_draws_it_with_graphviz(cli, dot):
    run = cli("evaluate", str(SHOP), "--format", "svg", environ={"PATH": os.path.dirname(dot)})
    assert run.status == 0 and "<svg" in run.stdout and run.stdout.rstrip().endswith("</svg>")


def test_evaluate_format_svg_without_graphviz_names_the_package_and_exits_2(cli, tmp_path):
    run = cli("evaluate", str(SHOP), "--format", "svg", environ={"PATH": str(tmp_path)})
    assert run.status == 2 and run.stdout == ""
    assert "Graphviz's dot program, which is not installed" in run.stderr
    assert "apt-get install graphviz" in run.stderr and "brew install graphviz" in run.stderr


def test_evaluate_format_svg_when_dot_fails_is_an_internal_error(cli, tmp_path):
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'syntax error in line 1' >&2\nexit 1\n")
    fake.chmod(0o755)
    run = cli("evaluate", str(SHOP), "--format", "svg", environ={"PATH": str(tmp_path)})
    assert run.status == 3 and run.stdout == ""
    assert "internal error" in run.stderr and "syntax error in line 1" in run.stderr


def test_a_picture_still_fails_on_findings_when_asked(cli):
    run = cli("evaluate", str(FIXTURES / "rules" / "bare-pod.yaml"), "--format", "mermaid", "--fail-on", "warning")
    assert run.status == 1 and run.stdout.startswith("---\ntitle:")


def test_the_pictures_in_the_docs_are_what_evaluate_draws_today():
    readme = (FIXTURES.parent.parent / "docs" / "manifests.md").read_text(encoding="utf-8")
    drawn = to_mermaid(recommendation(FIXTURES.parent.parent / "examples" / "web-with-init-and-content-sync.yaml"))
    assert f"```mermaid\n{drawn}```" in readme
