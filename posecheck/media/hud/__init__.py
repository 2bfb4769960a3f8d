"""The live screen drawn at the window's own resolution: letter-boxed video, a side (or
bottom) panel with the timer, side, counters, the one cue and a status line, and
full-window cards (next up, pain question, session summary).

Modules: `text` (the one anti-aliased, Unicode text path, also used by `overlay`),
`words` (what the screen says: people's words, never state ids), `layout` (where the
video and panel go), `widgets` (shapes, bars, band markers), `panel` (the coaching
and set-up panels), `cards` (full-window cards), `screen` (composes one window frame),
`display` (the screen's size). Part of `media`: imports errors, pose, measure, coach.
"""
