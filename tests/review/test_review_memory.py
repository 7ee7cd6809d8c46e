"""What a review holds while it runs: its reports are written as they are made, with the same bytes.

A review of 16,000 objects held its JSON report three times over (the report's dicts, json's pieces,
the joined string) before the first byte was written; these tests pin down that the pieces are the
same bytes, and that they are made as they are written.
"""

import io
import json

from advisor.kb.knowledge import knowledge_base
from advisor.render.review import json_pieces, render_json, sarif_pieces, text_lines
from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from advisor.review.report import ReviewFinding, Streamed
from advisor.system.environment import Environment
from advisor.system.fileio import write_output
from advisor.system.text import Style
from helpers.paths import FIXTURES
from helpers.review import REVIEWER

MISTAKES = FIXTURES / "review" / "mistakes"
KB = knowledge_base()


def _report():
    """The report on every mistake fixture, one of its findings suppressed by an annotation."""
    texts = [(str(path), path.read_text()) for path in sorted(MISTAKES.glob("*.yaml"))]
    name, text = texts[0]
    texts[0] = (name, text.replace("metadata:\n", "metadata:\n  annotations: {pod-advisor.io/ignore: bare-pod}\n", 1))
    report = REVIEWER.review(parse_inputs(texts), ReviewOptions(kubernetes="1.37"))
    assert report.findings and report.suppressed
    return report


def test_the_json_pieces_are_the_bytes_json_dumps_makes_of_the_report():
    report = _report()
    assert "".join(json_pieces(report, KB)) == json.dumps(report.to_dict(KB), indent=2) + "\n"


def test_a_streamed_report_makes_no_finding_dict_until_the_encoder_reaches_it(monkeypatch):
    report = _report()
    made = []
    real = ReviewFinding.to_dict
    monkeypatch.setattr(ReviewFinding, "to_dict", lambda self, kb: made.append(self) or real(self, kb))
    pieces = json.JSONEncoder(indent=2).iterencode(report.to_dict(KB, streamed=True))
    assert made == []
    "".join(pieces)
    assert len(made) == len(report.findings) + len(report.suppressed)


def test_a_streamed_list_is_encoded_as_the_list_of_its_items():
    items = Streamed(3, lambda: iter([{"a": 1}, [2], "three"]))
    assert json.dumps({"x": items}, indent=2) == json.dumps({"x": [{"a": 1}, [2], "three"]}, indent=2)
    assert json.dumps(Streamed(0, lambda: iter(())), indent=2) == "[]"


def test_the_sarif_pieces_hold_a_result_for_every_finding_and_suppression():
    report = _report()
    sarif = json.loads("".join(sarif_pieces(report, KB)))
    assert len(sarif["runs"][0]["results"]) == len(report.findings) + len(report.suppressed)


def test_each_piece_of_the_text_report_is_one_whole_line():
    # write_output escapes each piece for people on its own: a piece that split a line could split a colour code
    pieces = list(text_lines(_report(), KB, Style(True, True)))
    assert all(piece.endswith("\n") and "\n" not in piece[:-1] for piece in pieces)


def test_pieces_written_to_a_file_are_the_text_the_whole_string_writes(tmp_path):
    pieces = ["a\x07line\n"] * 40_000 + ["last\n"]  # more than one run of 64 KiB; a control character to escape
    env = Environment(stdout=io.StringIO(), environ={})
    write_output(env, str(tmp_path / "pieces"), iter(pieces), human=True)
    write_output(env, str(tmp_path / "whole"), "".join(pieces), human=True)
    assert (tmp_path / "pieces").read_bytes() == (tmp_path / "whole").read_bytes()
    assert b"\\x07" in (tmp_path / "pieces").read_bytes()


def test_pieces_written_to_standard_output_are_the_text_the_whole_string_writes():
    pieces = ["{\n"] + ['  "k": "v",\n'] * 20_000 + ["}\n"]
    streamed, whole = io.StringIO(), io.StringIO()
    write_output(Environment(stdout=streamed, environ={}, stdout_isatty=False), None, iter(pieces))
    write_output(Environment(stdout=whole, environ={}, stdout_isatty=False), None, "".join(pieces))
    assert streamed.getvalue() == whole.getvalue()


def test_render_json_is_still_the_whole_report():
    report = _report()
    assert json.loads(render_json(report, KB))["summary"]["findings"] == report.counts()


def test_without_details_a_review_keeps_no_recommendation_answers_or_intent_and_finds_the_same():
    texts = [(str(path), path.read_text()) for path in sorted(MISTAKES.glob("*.yaml"))]
    whole = REVIEWER.review(parse_inputs(texts), ReviewOptions(kubernetes="1.37"))
    lean = REVIEWER.review(parse_inputs(texts), ReviewOptions(kubernetes="1.37", details=False))
    assert all(r.recommendation is not None and r.answers is not None for r in whole.objects)
    assert all(r.recommendation is None and r.answers is None and r.intent is None for r in lean.objects)
    assert lean.findings == whole.findings and lean.suppressed == whole.suppressed
    assert "".join(text_lines(lean, KB, Style(False, True))) == "".join(text_lines(whole, KB, Style(False, True)))
    assert "".join(sarif_pieces(lean, KB)) == "".join(sarif_pieces(whole, KB))


def test_a_document_keeps_the_text_as_written_of_its_dates_only():
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
            "  labels: {released: 2024-01-31, at: !!timestamp '2001-12-14t21:59:43.10-05:00', v: 1.10, on: true}\n"
            "spec:\n  replicas: 2\n  paused: null\n")
    [obj] = parse_inputs([("web.yaml", text)]).objects
    assert obj.doc.raw == {("metadata", "labels", "released"): "2024-01-31",
                           ("metadata", "labels", "at"): "2001-12-14t21:59:43.10-05:00"}


def test_a_report_that_remakes_its_recommendations_writes_the_json_of_one_that_holds_them():
    texts = [(str(path), path.read_text()) for path in sorted(MISTAKES.glob("*.yaml"))]
    held = REVIEWER.review(parse_inputs(texts), ReviewOptions(kubernetes="1.37"))
    remade = REVIEWER.review(parse_inputs(texts), ReviewOptions(kubernetes="1.37", remade=True))
    assert any(r.remake is not None and r.recommendation is None for r in remade.objects)
    assert "".join(json_pieces(remade, KB)) == "".join(json_pieces(held, KB))
