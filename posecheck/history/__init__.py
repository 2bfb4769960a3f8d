"""The local session history: a SQLite file in the user data dir (sessions, their stretches,
holds, cues, pain stops and left/right balance) and the pain diary, written incrementally
and readable by the user only.

May import: errors, coach (for the catalogue's balance rules). Public API:
`posecheck.history.store.HistoryStore`; the run layer records through `recorder.Recorder`.
"""
