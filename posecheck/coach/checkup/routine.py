"""The check-up's findings as a routine file (the format of `coach/routines`): the tight
muscles first (furthest below their usual range, or the largest imbalance), the tighter
side first with an extra set of its own, at the catalogue's doses."""

from __future__ import annotations

from posecheck.coach.checkup.schema import CheckupTest

ROUTINE_ID = "checkup"


def _shortfall(test: CheckupTest, result: dict) -> float:
    """How tight, in noise floors: below the usual range, plus any left/right imbalance."""
    ref, noise = test.reference, test.metric.noise
    worst = 0.0
    for side in result["sides"].values():
        v = side["value"]
        if v is None or ref is None:
            continue
        gap = (ref.low - v) if test.metric.higher_is_better else (v - ref.high)
        worst = max(worst, gap / noise)
    imbalance = (result["difference"] or 0.0) / noise if result["tighter_side"] else 0.0
    return worst + imbalance


def plan(tests: dict[str, CheckupTest], results: list[dict]) -> list[dict]:
    """Routine steps (dicts of the routine format), tightest first; every tested stretch
    at its catalogue dose when nothing is tight."""
    scored = [(_shortfall(tests[r["test"]], r), i, r) for i, r in enumerate(results)]
    tight = sorted([s for s in scored if s[0] > 0], key=lambda s: (-s[0], s[1]))
    chosen = tight or scored
    steps = []
    for _, _, r in chosen:
        test = tests[r["test"]]
        side = r["tighter_side"]
        if side and test.sided:
            other = "left" if side == "right" else "right"
            steps.append({"stretch": test.stretch, "sides": [side, other]})
            steps.append({"stretch": test.stretch, "sides": [side]})   # the extra set
        else:
            steps.append({"stretch": test.stretch})
    return steps


def _toml_value(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{v:g}" if isinstance(v, float) else str(v)


def routine_text(tests: dict[str, CheckupTest], results: list[dict], when: str,
                 routine_id: str = ROUTINE_ID) -> str:
    """The routine file's text, with this id; its comments say why each step is there."""
    steps = plan(tests, results)
    tight = any(_shortfall(tests[r["test"]], r) > 0 for r in results)
    lines = [f"# Made by `posecheck checkup` on {when} from its findings:"]
    lines += [f"#   {r['name']}: {r['finding']}" for r in results]
    lines += ["# Tightest first; the tighter side first, then an extra set for that side; catalogue doses."
              if tight else "# Nothing below the usual ranges: the tested stretches, for maintenance."]
    desc = ("Your check-up routine: " + ", ".join(dict.fromkeys(s["stretch"] for s in steps)))
    name = "Check-up routine" + ("" if routine_id == ROUTINE_ID else f" ({routine_id[len(ROUTINE_ID) + 1:]})")
    lines += [f'id = "{routine_id}"', f"name = {_toml_value(name)}", f"description = {_toml_value(desc)}",
              "transition_s = 10", ""]
    for step in steps:
        lines.append("[[step]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in step.items()]
        lines.append("")
    return "\n".join(lines)


__all__ = ["ROUTINE_ID", "plan", "routine_text"]
