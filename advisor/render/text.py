"""The recommendation for a person at a terminal: a drawing of each Pod, the
findings, and one line of why for each conclusion (``explain`` adds the
knowledge-base text behind them)."""

from __future__ import annotations

from advisor.domain.recommendation import Recommendation, WorkloadPlan
from advisor.kb.knowledge import KnowledgeBase
from advisor.kb.starts import start_notes
from advisor.render.style import CONTROLLER_COLOUR, SEVERITY_STYLE, role_colour
from advisor.system.text import WIDTH, Style, wrap


def workload_facts(plan: WorkloadPlan) -> list[str]:
    """What a workload's controller keeps: its replicas or its schedule."""
    facts = []
    if plan.replicas is not None:
        facts.append(f"replicas {plan.replicas}")
    if plan.schedule:
        facts.append(f"schedule {plan.schedule!r}")
    return facts


def draw_workload(plan: WorkloadPlan, style: Style) -> list[str]:
    """A small drawing of one workload: controller, Service, and the Pod's containers."""
    bar, corner_top, corner_bottom = style.glyph("│", "|"), style.glyph("┌", "+"), style.glyph("└", "+")
    line = style.glyph("─", "-")
    arrow = style.glyph("──▶", "-->")
    head = f"{style(plan.controller, 'bold', CONTROLLER_COLOUR)} {style(plan.name, 'bold')}"
    lines = [f"  {head}   " + "   ".join([*workload_facts(plan), f"restartPolicy {plan.restart_policy}"])]
    if plan.service:
        ports = ", ".join(str(p) for p in plan.service_ports) or "no port declared"
        lines.append(f"  Service {plan.name} ({plan.service}) {arrow} {ports}")
    title = f"{corner_top}{line} Pod {plan.name} ({plan.layout}) "
    lines.append("  " + title + line * max(0, WIDTH - 2 - len(title)))
    groups = [("initContainers", plan.init_order),
              ("containers", [c for c in plan.containers if c.placement == "containers"])]
    for label, members in groups:
        if not members:
            continue
        lines.append(f"  {bar} {style(label, 'dim')}")
        for c in members:
            if c.role == "init":
                note = "runs to completion before the others start"
            elif c.native_sidecar:
                note = "native sidecar (restartPolicy: Always)"
            else:
                note = c.image
            role = style(f"{c.role:<10}", role_colour(c.role))
            ports = f"  :{','.join(map(str, c.ports))}" if c.ports and c.role == "main" else ""
            lines.append(f"  {bar}   {role} {c.name:<18} {note}{ports}")
    sharing = [c.name for c in plan.containers if c.shares_volume]
    if sharing:
        names = ", ".join([plan.main.name] + sharing)
        lines.append(f"  {bar} shared volume: {names}")
    talking = [c.name for c in plan.containers if c.uses_localhost]
    if talking:
        both = style.glyph(" ⇄ ", " <-> ")
        lines.append(f"  {bar} localhost: " + ", ".join(f"{plan.main.name}{both}{n}" for n in talking))
    lines.append("  " + corner_bottom + line * (WIDTH - 3))
    return lines


def render_text(rec: Recommendation, kb: KnowledgeBase, style: Style, explain: bool = False) -> str:
    out = [f"{style(rec.name, 'bold')} {style('for Kubernetes ' + rec.kubernetes, 'dim')}", ""]
    for plan in rec.workloads:
        out += draw_workload(plan, style)
        out.append("")
    if rec.findings:
        out.append(style("Findings", "bold"))
        groups: dict[str, list] = {}
        for f in rec.findings:
            groups.setdefault(f.id, []).append(f)
        for finding_id, members in groups.items():
            first = members[0]
            label = style(f"{first.severity:<8}", SEVERITY_STYLE[first.severity], "bold")
            out.append(f"  {label}  {style(finding_id, 'bold')}: {kb.findings[finding_id].title}")
            for f in members:
                out += wrap(f"{f.message}.", " " * 14, first=" " * 12 + "- ")
            out += wrap(f"fix: {first.fix}", " " * 12)
        out.append("")
    else:
        out += [style("No findings.", "green"), ""]
    starting = start_notes(rec)
    if starting:  # the manifest's TO DO, said before anyone writes it
        out.append(style("Starter manifest", "bold"))
        for note in starting:
            out += wrap(f"{note}.", "    ", first="  - ")
        out.append("")
    out.append(style("Why", "bold"))
    order = {plan.name: i for i, plan in enumerate(rec.workloads)}
    for reason in sorted(rec.reasons, key=lambda r: order.get(r.workload, len(order))):
        if reason.conclusion.startswith("raises "):
            continue
        out += wrap(f"{reason.conclusion} [{reason.rule}]", "    ", first="  - ")
        if explain and reason.because:
            out += wrap("because " + "; ".join(reason.because), "      ", first="      ")
    if explain:
        out += ["", style("From the knowledge base", "bold")]
        seen: list[str] = []
        for reason in rec.reasons:
            seen += [ref for ref in reason.see if ref not in seen]
        for ref in seen:
            entry = kb.entry(ref)
            out.append(f"  {style(entry.title, 'bold')} ({entry.id})")
            out += wrap(entry.summary, "    ")
            for paragraph in entry.details.split("\n\n"):
                out += wrap(" ".join(paragraph.split()), "    ")
            out.append("")
    return "\n".join(out).rstrip() + "\n"
