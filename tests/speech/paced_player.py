"""A player that takes as long as its WAV file lasts, as a sound card would, and plays nowhere.

This machine has no sound card, and ALSA's null device consumes audio at once, so a test of
"a new screen stops the old speech" needs a player that is still running when the next screen
comes. This stands in for the sound card only: it is a real subprocess started and killed by
the real speaker, and it reads the real WAV file (its length) the synthesiser wrote.
Usage: python paced_player.py FILE
"""

import sys
import time
import wave

with wave.open(sys.argv[-1], "rb") as w:
    seconds = w.getnframes() / w.getframerate()
time.sleep(seconds * 20)  # slower than life: the test must see it running
