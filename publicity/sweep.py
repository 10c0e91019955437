"""The deadline sweep. Placeholder until notices exist: reports that there was nothing due."""


def run_sweep(now=None) -> dict:
    return {"closed": 0, "advanced": 0, "held": 0, "flagged": 0}
