"""`posecheck live`: coach from a camera, a video file or a stream."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("live")(live_command)


def live_command(
    stretch: Optional[str] = typer.Option(None, "--stretch", "-s", help="Catalogue id (see `posecheck list`)."),
    routine: Optional[str] = typer.Option(None, "--routine", "-r", help="Routine id, e.g. low-back."),
    source: str = typer.Option("0", "--source", help="Camera index, video file or stream URL."),
    model: Optional[str] = typer.Option(None, "--model", help="lite, full, heavy or a .task path."),
    no_window: bool = typer.Option(False, "--no-window", help="Run without any window (servers, CI)."),
    record: Optional[Path] = typer.Option(None, "--record", help="Write the overlay video here (.mp4)."),
    summary: Optional[Path] = typer.Option(None, "--summary", help="Write the session summary JSON here."),
    max_seconds: Optional[float] = typer.Option(None, "--max-seconds", min=0.0,
                                                help="Stop after this many seconds."),
    quiet: bool = typer.Option(False, "--quiet", help="No voice and no tones (spoken guidance is on by "
                                                    "default: espeak-ng, or pyttsx3 with the speech extra)."),
    speak: bool = typer.Option(True, "--speak", hidden=True, help="Kept for old scripts: speech is the default."),
    ask_pain: Optional[bool] = typer.Option(None, "--ask-pain/--no-ask-pain",
                                            help="Ask for back pain 0-10 before and after (default: "
                                                 "with a window only)."),
    pain_wait: float = typer.Option(8.0, "--pain-wait", min=0.0,
                                    help="Seconds the pain question waits before skipping."),
    mirror: Optional[bool] = typer.Option(None, "--mirror/--no-mirror",
                                          help="Mirror the view (default: cameras mirrored, files and streams not)."),
    realtime: bool = typer.Option(True, "--realtime/--every-frame",
                                  help="A video file plays at its own rate (frames dropped when "
                                       "behind), or hands over every frame."),
    setup: bool = typer.Option(True, "--setup/--no-setup", help="Check the camera view before timing."),
    catalog: List[Path] = typer.Option([], "--catalog", help="Extra folder of stretch files."),
    routines: List[Path] = typer.Option([], "--routines", help="Extra folder of routine files."),
    profile: Optional[str] = typer.Option(None, "--profile", help="e.g. 'stenosis': narrower bands."),
    share: bool = typer.Option(False, "--share-outputs",
                               help="Make --summary/--record group-readable (default: only you can read them)."),
) -> None:
    """Coach live: skeleton, angles against their bands, hold timer and cues.

    Keys: space pause/resume, n next stretch, p pain stop (ends the stretch, logged), f full screen,
    q quit; 0-9 (1 then 0 for 10) answer the pain question, Enter skips it.
    """
    from posecheck.run.live import LiveOptions, LiveSession

    opts = LiveOptions(stretch=stretch, routine=routine, source=source, model=model, window=not no_window,
                       record=record, summary=summary, max_seconds=max_seconds, speak=speak and not quiet,
                       ask_pain=ask_pain, pain_wait_s=pain_wait, mirror=mirror,
                       realtime=realtime, setup=setup, catalog_dirs=tuple(catalog),
                       routine_dirs=tuple(routines), profile=profile, share=share)
    result = LiveSession(opts).run()
    if summary is not None:
        typer.echo(f"summary written to {summary}", err=True)
    if result.get("end_reason") == "interrupted":
        from posecheck.run.interrupt import exit_code

        raise typer.Exit(exit_code() or 130)
