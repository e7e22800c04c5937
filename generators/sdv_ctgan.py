"""CTGAN generator: SDV's CTGANSynthesizer (a conditional GAN, ctgan 0.12); CPU or CUDA."""
from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from synthgate.generators._params import GeneratorParams, LaxFloat, Layers
from synthgate.generators._sdv import SDVGenerator


class CTGANParams(GeneratorParams):
    """Options of SDV's CTGANSynthesizer (defaults equal SDV 2.0's)."""

    epochs: int = Field(300, ge=1, le=10_000, description="Training passes over the data.")
    batch_size: int = Field(500, ge=2, le=100_000, description="Rows per step; even and a multiple of pac.")
    embedding_dim: int = Field(128, ge=1, le=4096, description="Size of the noise vector fed to the generator.")
    generator_dim: Layers = Field((256, 256), description="Hidden layer sizes of the generator.")
    discriminator_dim: Layers = Field((256, 256), description="Hidden layer sizes of the discriminator.")
    generator_lr: LaxFloat = Field(2e-4, gt=0, le=1, description="Adam learning rate of the generator.")
    generator_decay: LaxFloat = Field(1e-6, ge=0, le=1, description="Adam weight decay of the generator.")
    discriminator_lr: LaxFloat = Field(2e-4, gt=0, le=1, description="Adam learning rate of the discriminator.")
    discriminator_decay: LaxFloat = Field(1e-6, ge=0, le=1, description="Adam weight decay of the discriminator.")
    discriminator_steps: int = Field(1, ge=1, le=100, description="Discriminator updates per generator update.")
    log_frequency: bool = Field(True, description="Sample conditional categories by log frequency.")
    pac: int = Field(10, ge=1, le=100, description="Rows the discriminator judges together (PacGAN).")
    enforce_min_max_values: bool = Field(True, description="Clip numerical output to the training range.")
    enforce_rounding: bool = Field(True, description="Round numerical output to the training decimals.")

    @model_validator(mode="after")
    def _batch_fits_pac(self) -> CTGANParams:
        # ctgan asserts both at fit time; failing here names the params instead of an AssertionError.
        if self.batch_size % 2 or self.batch_size % self.pac:
            raise ValueError(
                "parameter 'batch_size' must be even and a multiple of 'pac' "
                f"(batch_size {self.batch_size}, pac {self.pac})"
            )
        return self


class CTGANGenerator(SDVGenerator):
    """Conditional tabular GAN; slow on CPU (minutes per few epochs on large tables)."""

    kind: ClassVar[str] = "ctgan"
    Params: ClassVar[type[CTGANParams]] = CTGANParams
    supports_gpu: ClassVar[bool] = True

    def _make_synthesizer(self, metadata: Any) -> Any:
        from sdv.single_table import CTGANSynthesizer

        return CTGANSynthesizer(metadata, **self.params.model_dump(), verbose=False, enable_gpu=self.device == "cuda")
