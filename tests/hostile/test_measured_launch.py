"""The peak memory the hostile tests assert is kehoach's own, whatever the size of the test process."""

from hostile_run import kehoach


def test_peak_memory_is_the_command_s_own_not_the_grown_test_process_s():
    ballast = bytearray(700 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    run = kehoach("--help")
    del ballast
    assert run.code == 0
    assert run.peak_mb < 300, run.peak_mb
