"""Sources and sinks: video files in and out, camera capture, overlay drawing, plots,
speech, the per-frame CSV and the summary JSON; `stage` runs one ordered step on a thread.
May import: `posecheck.errors`, `posecheck.pose`, `posecheck.measure`, `posecheck.coach`
(for the plain types it draws or writes). Never run or cli."""
