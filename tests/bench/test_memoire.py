"""Le pic de mémoire du rapport est celui de son processus, pas celui du passage qui le lance."""

import subprocess
import sys
from pathlib import Path

from bench.memoire import pic_de_memoire_mio

RACINE = Path(__file__).resolve().parents[2]


def test_un_sous_processus_n_herite_pas_du_pic_de_celui_qui_le_lance():
    # Le processus qui lance est gonflé bien au-delà de ce que pèse un Python qui démarre.
    tampon = bytearray(300 * 1024 * 1024)
    tampon[::4096] = b"\x01" * len(tampon[::4096])
    assert pic_de_memoire_mio() >= 300

    sortie = subprocess.run(
        [sys.executable, "-c", "from bench.memoire import pic_de_memoire_mio as p; print(p())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=RACINE,
    )

    assert 1 < float(sortie.stdout) < 100
