"""Speech output for the kiosk and the board: offline synthesis, recorded prompts, a player.

Plain Python (no Textual): the visitor terminal and the board hand a `Speaker` what to say
(already translated, never a name) and it resolves each piece to a WAV file — a native
speaker's recording when the office installed one, else espeak-ng — and plays them through a
player subprocess on a worker thread, so speech never delays a tap.
"""
