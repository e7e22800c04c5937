"""Resolution of the requested compute device ("auto", "cpu" or "cuda") to the one used."""
from __future__ import annotations

from synthgate.generators.errors import DeviceUnavailableError

DEVICES = ("auto", "cpu", "cuda")


def check_device_name(requested: str) -> str:
    """Return "cpu" for any valid device name: for generators that always run on the CPU.

    Raises:
        DeviceUnavailableError: ``requested`` is not one of auto, cpu, cuda.
    """
    if requested not in DEVICES:
        raise DeviceUnavailableError(str(requested), "unknown device; allowed: " + ", ".join(DEVICES))
    return "cpu"


def resolve_device(requested: str) -> str:
    """Resolve a requested device to "cpu" or "cuda".

    Args:
        requested: "auto" (cuda when available, else cpu), "cpu" or "cuda".

    Returns:
        "cpu" or "cuda".

    Raises:
        DeviceUnavailableError: The name is unknown, or "cuda" was asked for and is not available.
    """
    check_device_name(requested)
    if requested == "cpu":
        return "cpu"
    import torch  # heavy: only when a GPU could matter

    available = torch.cuda.is_available()
    if requested == "auto":
        return "cuda" if available else "cpu"
    if not available:
        raise DeviceUnavailableError(
            "cuda", "cuda requested but torch.cuda.is_available() is False "
            f"(torch {torch.__version__}, built with CUDA {torch.version.cuda}); use 'cpu' or 'auto'",
        )
    return "cuda"
