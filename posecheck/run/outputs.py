"""One analysis's output files, published together or not at all.

The CSV and the annotated video are written under hidden temp names while the video is
analysed. A clean end or an interruption publishes them, then the summary and the plot.
A write error (full disk, folder gone) drops the half-written ones first (which frees
the space) and still writes the summary of what was measured; any other failure drops
everything, so no file that looks like an output is left behind.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from posecheck.media.atomic import WriteError, check_file, explain
from posecheck.media.summary import write_json


def check_files(share: bool = False, **paths) -> None:
    """Output files given by option name ({"--summary": path}) can be written: one line
    naming the path and the fix, before any work (not found out after a whole session)."""
    for option, path in paths.items():
        if path is not None:
            check_file(path, option, share)


class Failure:
    """Set by `Outputs.guard` when writing failed mid-run."""

    def __init__(self) -> None:
        self.error: WriteError | None = None

    def reraise(self, summary_path: Path | None) -> None:
        if self.error is None:
            return
        kept = f"; what was measured is in {summary_path}" if summary_path else ""
        raise WriteError(f"{self.error}{kept}") from None


class Outputs:
    def __init__(self, folder: Path, stem: str, share: bool = False):
        self.folder, self.stem, self.share = Path(folder), stem, share
        self._log = None
        self._video = None
        self.files: dict[str, Path] = {}
        self.error: WriteError | None = None

    def path(self, kind: str) -> Path:
        return self.folder / f"{self.stem}.{kind}"

    def open(self, make_log, make_video=None):
        """Create the CSV and the video writer; if either fails, neither is left behind."""
        self._log = make_log()
        try:
            self._video = make_video() if make_video else None
        except BaseException:
            self._drop()
            raise
        return self._log, self._video

    @contextmanager
    def guard(self):
        """Wrap the run: publish on success, keep the summary on a write error, else drop all."""
        failure = Failure()
        try:
            yield failure
        except WriteError as err:
            failure.error = err
        except OSError as err:
            failure.error = WriteError(explain(err, err.filename or self.folder))
        except BaseException:
            self._drop()
            raise
        if failure.error is None:
            try:
                self._publish()
            except (WriteError, OSError) as err:
                failure.error = err if isinstance(err, WriteError) else WriteError(explain(err, self.folder))
        if failure.error is not None:
            self.error = failure.error
            self._drop()

    def _publish(self) -> None:
        if self._log is not None:
            self.files["frames"] = self._log.close()
        if self._video is not None:
            path = self._video.close(keep=True)
            if path is not None:
                self.files["annotated"] = path

    def _drop(self) -> None:
        if self._log is not None:
            self._log.discard()
        if self._video is not None:
            try:
                self._video.close(keep=False)
            except BaseException:
                pass

    def finish(self, summary: dict, plot) -> dict[str, Path]:
        """Write the summary (always) and the plot (`plot(path)`, not after a write error)."""
        try:
            files = {"summary": write_json(self.path("summary.json"), summary, self.share)}
        except WriteError:
            if self.error is not None:
                raise self.error from None   # the first error is the one to fix
            raise
        files.update(self.files)
        if self.error is None:
            made = plot(self.path("angles.png"))
            if made is not None:
                files["plot"] = made
        return files
