"""A Korean spaCy pipeline built in memory (rule tokenizer, particles split off) for Presidio."""

from __future__ import annotations

from typing import Any

__all__ = ["PARTICLES", "KoreanTokenizer", "in_memory_nlp_engine", "korean_nlp", "split_particles"]

PARTICLES: tuple[str, ...] = tuple(
    sorted(
        """
        님 씨 께서 께 의 이 가 은 는 을 를 에 에게 에게서 한테 한테서 에서 으로 로 으로서 으로써 와 과 도 만
        까지 부터 처럼 보다 하고 이랑 랑 이나 나 이며 이고 이다 입니다 이에요 예요 이라고 라고 에는 에서는 에게는
        """.split(),
        key=len,
        reverse=True,
    )
)
"""Particles and honorifics split off the end of a word, longest first."""

_MAX_SPLITS = 3  # 홍길동 + 님 + 께서 + 는


def split_particles(word: str) -> list[str]:
    """Splits particles and honorifics off the end of ``word``: ``홍길동님께서`` -> 홍길동, 님, 께서.

    A stem keeps at least two characters, so short words (아이, 나는) stay whole; the
    cost is that a two-character word ending in a particle-like syllable is split too
    (강원도 -> 강원 + 도), which does no harm to context matching.
    """
    tail: list[str] = []
    stem = word
    for _ in range(_MAX_SPLITS):
        particle = next((p for p in PARTICLES if stem.endswith(p) and len(stem) - len(p) >= 2), None)
        if particle is None:
            break
        tail.insert(0, particle)
        stem = stem[: -len(particle)]
    return [stem, *tail]


class KoreanTokenizer:
    """spaCy's rule tokenizer, then particles split off; each token's lemma is its own text.

    Presidio's context enhancer compares recognizer context words with lemmas, so
    ``주민등록번호는`` must yield the lemma ``주민등록번호``. A blank pipeline has no
    lemmatizer (every lemma is empty), hence lemmas are set here.
    """

    def __init__(self, base: Any) -> None:
        self.base = base
        self.vocab = base.vocab

    def __call__(self, text: str) -> Any:
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        for token in self.base(text):
            parts = split_particles(token.text) if _ends_in_hangul(token.text) else [token.text]
            words.extend(parts)
            spaces.extend([False] * (len(parts) - 1) + [bool(token.whitespace_)])
        return Doc(self.vocab, words=words, spaces=spaces, lemmas=list(words))

    def pipe(self, texts: Any, batch_size: int = 1000) -> Any:
        """Tokenizes a stream of texts (spaCy calls this in ``nlp.pipe``)."""
        for text in texts:
            yield self(text)


def _ends_in_hangul(text: str) -> bool:
    return bool(text) and "\uac00" <= text[-1] <= "\ud7a3"


def korean_nlp() -> Any:
    """A blank Korean spaCy pipeline with ``KoreanTokenizer``; nothing is read from disk.

    ``spacy.blank("ko")`` alone wants mecab-ko via natto-py; the rule tokenizer
    (``spacy.Tokenizer.v1``) needs neither.
    """
    import spacy

    nlp = spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})
    nlp.tokenizer = KoreanTokenizer(nlp.tokenizer)
    return nlp


def in_memory_nlp_engine(pipelines: dict[str, Any], ner_model_configuration: Any = None) -> Any:
    """A Presidio ``SpacyNlpEngine`` serving ready-made pipelines instead of ``spacy.load``."""
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class _InMemory(SpacyNlpEngine):
        def load(self) -> None:
            self.nlp = dict(pipelines)

    models = [{"lang_code": language, "model_name": f"in-memory-{language}"} for language in pipelines]
    engine = _InMemory(models=models, ner_model_configuration=ner_model_configuration)
    engine.load()
    return engine

