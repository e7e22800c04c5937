"""GaussianCopula generator: SDV's GaussianCopulaSynthesizer; CPU only, fast, no training epochs."""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from synthgate.generators._params import GeneratorParams
from synthgate.generators._sdv import SDVGenerator


class GaussianCopulaParams(GeneratorParams):
    """Options of SDV's GaussianCopulaSynthesizer (defaults equal SDV's)."""

    default_distribution: Literal["norm", "beta", "truncnorm", "uniform", "gamma", "gaussian_kde"] = Field(
        "beta", description="Marginal distribution fitted to every numerical and datetime column."
    )
    enforce_min_max_values: bool = Field(True, description="Clip numerical output to the training range.")
    enforce_rounding: bool = Field(True, description="Round numerical output to the training decimals.")


class GaussianCopulaGenerator(SDVGenerator):
    """Gaussian copula over per-column marginals; the default generator."""

    kind: ClassVar[str] = "gaussian_copula"
    Params: ClassVar[type[GaussianCopulaParams]] = GaussianCopulaParams
    supports_gpu: ClassVar[bool] = False

    def _make_synthesizer(self, metadata: Any) -> Any:
        from sdv.single_table import GaussianCopulaSynthesizer

        return GaussianCopulaSynthesizer(metadata, **self.params.model_dump())
