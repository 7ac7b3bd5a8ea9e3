"""The per-process cache of token embeddings (articles/ingest/embeddings.py)."""

import numpy
import pytest

from articles.ingest import pipeline
from articles.ingest.embeddings import EmbeddingCache, TokenVectors

TEXTS = [
    "Foreign Minister Helena Marsh told reporters in Vienna that the talks would go on.",
    "The Harbour Authority said it had closed the port, according to a statement.",
    "",
    "“We will not give up,” she said on Tuesday. Peña Nieto met Zelenskyy in Kyiv.",
]


@pytest.fixture(scope="module")
def nlp():
    return pipeline.load_nlp()


@pytest.fixture(scope="module")
def networks(nlp):
    """The two networks that embed tokens themselves: the shared tok2vec and the
    recogniser's own."""
    return [nlp.get_pipe("tok2vec").model, nlp.get_pipe("ner").model.layers[0]]


def _docs(nlp, texts=TEXTS):
    return [nlp.make_doc(text) for text in texts]


def test_cached_vectors_are_the_networks_own(nlp, networks):
    for model in networks:
        expected = model.predict(_docs(nlp))
        for _ in range(2):  # computed, then looked up
            found = TokenVectors(model).predict(_docs(nlp))
            assert len(found) == len(expected)  # per doc (tok2vec) or per token (recogniser)
            for got, want in zip(found, expected, strict=True):
                numpy.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


def test_a_tokens_row_does_not_depend_on_the_batch_that_computed_it(nlp, networks):
    """BLAS sums a float32 product in an order that depends on the batch's shape; a cached
    row must be the same whichever story first brought the word."""
    embedding = networks[0].layers[0]
    one_by_one, all_at_once = EmbeddingCache(embedding), EmbeddingCache(embedding)
    for text in TEXTS:
        one_by_one(_docs(nlp, [text]))
    all_at_once(_docs(nlp, [" ".join(TEXTS * 5)]))
    for a, b in zip(one_by_one(_docs(nlp)), all_at_once(_docs(nlp)), strict=True):
        assert a.tobytes() == b.tobytes()


def test_cache_stays_within_its_rows_and_answers_the_same(nlp, networks):
    embedding = networks[0].layers[0]
    unbounded = EmbeddingCache(embedding)
    small = EmbeddingCache(embedding, rows=20)  # no paragraph of TEXTS has more tokens
    for text in TEXTS * 2:
        want = unbounded(_docs(nlp, [text]))
        got = small(_docs(nlp, [text]))
        assert len(small._index) <= 20 and len(small._rows) <= 20
        for a, b in zip(got, want, strict=True):
            assert a.tobytes() == b.tobytes()


def test_empty_paragraphs_get_no_vectors(nlp, networks):
    for model in networks:
        docs = _docs(nlp, ["", ""])
        found, expected = TokenVectors(model).predict(docs), model.predict(docs)
        assert [array.shape for array in found] == [array.shape for array in expected]
    assert [doc.tensor.shape for doc in pipeline.parse(["", ""])] == [(0, 96), (0, 96)]


def test_threads_sharing_a_cache_that_starts_again_get_their_own_rows(nlp, networks):
    """A worker run with --concurrency N extracts in N threads over one cache; a small cache
    starts again all the time, and no thread may read rows another has overwritten."""
    from concurrent.futures import ThreadPoolExecutor

    embedding = networks[0].layers[0]
    reference = EmbeddingCache(embedding)
    texts = [text for text in TEXTS if text]
    expected = {text: reference(_docs(nlp, [text]))[0].tobytes() for text in texts}
    shared = EmbeddingCache(embedding, rows=20)

    def read(round_number: int) -> list[bool]:
        text = texts[round_number % len(texts)]
        return [shared(_docs(nlp, [text]))[0].tobytes() == expected[text] for _ in range(20)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [same for answers in pool.map(read, range(12)) for same in answers]
    assert all(results)
