"""The self-contained HTML progress report: inline SVG charts (matplotlib), inline CSS, a
Content-Security-Policy that forbids loading anything, no scripts; written 0600.

May import: errors, coach, media, history.
"""
