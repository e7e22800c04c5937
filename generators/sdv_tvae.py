"""TVAE generator: SDV's TVAESynthesizer (a tabular variational autoencoder); CPU or CUDA."""
from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from synthgate.generators._params import GeneratorParams, LaxFloat, Layers
from synthgate.generators._sdv import SDVGenerator


class TVAEParams(GeneratorParams):
    """Options of SDV's TVAESynthesizer (defaults equal SDV 2.0's)."""

    epochs: int = Field(300, ge=1, le=10_000, description="Training passes over the data.")
    batch_size: int = Field(500, ge=1, le=100_000, description="Rows per training step.")
    embedding_dim: int = Field(128, ge=1, le=4096, description="Size of the latent space.")
    compress_dims: Layers = Field((128, 128), description="Hidden layer sizes of the encoder.")
    decompress_dims: Layers = Field((128, 128), description="Hidden layer sizes of the decoder.")
    l2scale: LaxFloat = Field(1e-5, ge=0, le=1, description="Adam weight decay (L2 regularisation).")
    loss_factor: LaxFloat = Field(2.0, gt=0, le=1000, description="Multiplier of the reconstruction loss.")
    enforce_min_max_values: bool = Field(True, description="Clip numerical output to the training range.")
    enforce_rounding: bool = Field(True, description="Round numerical output to the training decimals.")


class TVAEGenerator(SDVGenerator):
    """Tabular variational autoencoder; much faster per epoch than CTGAN."""

    kind: ClassVar[str] = "tvae"
    Params: ClassVar[type[TVAEParams]] = TVAEParams
    supports_gpu: ClassVar[bool] = True

    def _make_synthesizer(self, metadata: Any) -> Any:
        from sdv.single_table import TVAESynthesizer

        return TVAESynthesizer(metadata, **self.params.model_dump(), verbose=False, enable_gpu=self.device == "cuda")
