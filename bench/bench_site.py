"""Site build time against its anchor: a plain mkdocs build of the same Markdown, excerpts and run outputs pasted.

    python bench/bench_site.py [--runs N] [--against DIR]

Needs the pinned sources and a warm index (run `walkthrough build` once). Every build runs in a fresh
`python -m mkdocs build` process, so both sides pay the same imports. Prints wall and CPU times and their ratios
(goal: at most 1.1), then the time of a rebuild after editing one chapter's prose (which must only load
the index, never parse Go). Builds of each kind take turns, so a busy machine slows all sides alike.

`--against DIR` also times the full build with another version of the code, for a before/after in one
run: DIR holds a `walkthrough` package, e.g. `git archive <commit> walkthrough | tar -x -C DIR`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from walkthrough.book import run_records
from walkthrough.book.expand import expand_chapter
from walkthrough.paths import project_root


def _index_for(name: str):  # noqa: ANN202 - whatever load_index returns
    from walkthrough.index.reader import load_index  # noqa: PLC0415

    return load_index(name)


def plain_project(project: Path, dest: Path) -> Path:
    """`dest/mkdocs.yml` + `dest/chapters/`: our chapters, each excerpt a fenced Go block, each run its recorded output.

    The run outputs come from `snapshots/runs.json`: the plain build shows the same text without running anything.
    """
    chapters = dest / "chapters"
    chapters.mkdir(parents=True)
    outputs = {r.key: r for r in run_records.load(project / "snapshots") or []}
    for src in sorted((project / "chapters").glob("*.md")):
        text = src.read_text(encoding="utf-8")
        expanded = expand_chapter(text, src.name, _index_for, {})
        blocks = [(ce.directive.start, ce.directive.end, "go", ce.excerpt.text, ce.directive.caption)
                  for ce in expanded.excerpts]
        for run in expanded.runs:
            record = outputs.get((src.name, run.anchor_id()))
            shown = f"$ {run.command}\n{record.output if record else ''}".rstrip("\n")
            blocks.append((run.start, run.end, "text", shown, run.caption))
        out, cursor = [], 0
        for start, end, lang, code, caption in sorted(blocks):
            out.append(text[cursor:start])
            fence = "`" * max(3, _longest_backticks(code) + 1)
            out.append(f"{fence}{lang}\n{code}\n{fence}\n\n")
            if caption:
                out.append(caption + "\n\n")
            cursor = end
        out.append(text[cursor:])
        (chapters / src.name).write_text("".join(out), encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - walkthrough\n", "")
    config = config.replace("      - Symbol index: symbols.md\n", "")
    config = config.replace("      - About the sources: about-sources.md\n", "")
    config = config.replace("      - Python models: models.md\n", "")
    config = config.replace("  - Reference:\n", "")
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest / "mkdocs.yml"


def _longest_backticks(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return longest


def timed_build(config: Path, site: Path, env: dict[str, str], code: Path | None = None) -> tuple[float, float]:
    """(wall, cpu) seconds of one `mkdocs build` in a fresh process; `code`: a folder whose `walkthrough` to use.

    CPU is user + sys of the process and its threads: other load on a shared machine disturbs it far less
    than wall time (as in bench_explain).
    """
    shutil.rmtree(site, ignore_errors=True)
    if code is not None:  # `python -m` puts its working directory first on sys.path
        env = {**env, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed argv
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
        env=env, stderr=subprocess.DEVNULL, cwd=code,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    """Run the benchmark; prints the timings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="builds per side; the best time counts")
    parser.add_argument("--against", type=Path, help="a folder holding another version of the walkthrough package")
    args = parser.parse_args()
    project = project_root()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000",
           "WALKTHROUGH_PROJECT": str(project)}
    with tempfile.TemporaryDirectory(prefix="wt-bench-") as tmp_name:
        tmp = Path(tmp_name)
        plain = plain_project(project, tmp / "plain")
        # The full build reads chapters from a copy, so the prose edit below never touches the checkout.
        full_dir = tmp / "full"
        shutil.copytree(project / "chapters", full_dir / "chapters")
        (full_dir / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
        full = full_dir / "mkdocs.yml"
        lean = full_dir / "mkdocs-lean.yml"
        lean.write_text(full.read_text(encoding="utf-8").replace(
            "  - walkthrough\n", "  - walkthrough:\n      symbol_pages: false\n"), encoding="utf-8")
        # Warm-up: the index is loaded (or built) and the fragment store filled once before timing.
        timed_build(full, tmp / "warmup", env)
        sides = {"plain": (plain, None), "full": (full, None), "lean": (lean, None)}
        if args.against:
            timed_build(full, tmp / "warmup", env, args.against.resolve())
            sides["against"] = (full, args.against.resolve())
        times: dict[str, float] = {}
        cpus: dict[str, float] = {}
        for _ in range(args.runs):
            for name, (config, code) in sides.items():
                t, c = timed_build(config, tmp / f"site-{name}", env, code)
                times[name] = min(times.get(name, t), t)
                cpus[name] = min(cpus.get(name, c), c)
        chapter = min((full_dir / "chapters").glob("k8s-*.md"))
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence of prose.\n", encoding="utf-8")
        t_edit = timed_build(full, tmp / "site-edit", env)[0]
        pages = sum(1 for _ in (tmp / "site-full").rglob("*.html"))
        plain_pages = sum(1 for _ in (tmp / "site-plain").rglob("*.html"))
    t_plain, c_plain = times["plain"], cpus["plain"]

    def row(name: str) -> str:
        return (f"{times[name]:6.2f} s wall, {cpus[name]:6.2f} s cpu  "
                f"ratio {times[name] / t_plain:.2f}x wall, {cpus[name] / c_plain:.2f}x cpu")

    print(f"plain mkdocs build (excerpts as code blocks): {t_plain:6.2f} s wall, {c_plain:6.2f} s cpu  "
          f"({plain_pages} pages)")
    print(f"walkthrough build (cards, links, generated):  {row('full')}  ({pages} pages; goal <= 1.1x)")
    if "against" in times:
        print(f"the same with {args.against}: {row('against')}")
    print(f"without symbol pages (links to upstream):     {row('lean')}")
    print(f"rebuild after a prose edit in {chapter.name}:    {t_edit:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
