"""Token embeddings kept per process, by the features they are computed from (issue 11).

Both token-to-vector networks of the pipeline (the one the tagger and parser share, and the
recogniser's own) begin with an embedding layer that sees one token at a time: hash-embedding
rows for the token's norm, prefix, suffix and shape (and, in the shared one, its spacing),
mixed by a maxout layer of 576 inputs and normalised. That layer is a third of the networks'
arithmetic, and news text repeats its words: over 150 stories, 87% of the tokens had been seen
before. So each embedding row is computed once and then looked up.

A cached row must not depend on which batch first computed it, or a story's annotations would
depend on what the worker read before. BLAS sums a matrix product in an order that depends on
the batch's shape, so the mixing product of a new row is summed in float64 and rounded once to
float32: the same features always give the same row, whatever the batch or the worker's
history. Rows differ from the network's own float32 product only in the last bits (as that
product differs between batches); tags, parses and entities were compared on the corpus.
"""

import threading

import numpy

# Rows kept per network before the cache starts again: 100,000 rows of 96 float32 are 38 MB.
CACHE_ROWS = 100_000


def _embedding_and_rest(model):
    """(the embedding layer, the layers after it) of a chain that begins with one, or
    (None, []) for a network that does not embed tokens itself (a listener)."""
    if not model.layers:
        return None, []
    if model.layers[0].name == "extract_features":
        return model, []
    embedding, rest = _embedding_and_rest(model.layers[0])
    return embedding, [*rest, *model.layers[1:]]


class EmbeddingCache:
    """The output of one embedding layer (`MultiHashEmbed`: feature extraction, hash
    embeddings, a maxout and a layer norm) for a batch of docs, a row per token, computed
    once per distinct feature tuple."""

    def __init__(self, embedding, rows: int = CACHE_ROWS):
        extract, _to_ragged, embed, mix, _to_list = embedding.layers
        self._extract = extract
        self._embed = embed.layers[0]  # inside with_array: works on the feature array
        (maxout,) = [node for node in mix.walk() if node.name == "maxout"]
        (self._norm,) = [node for node in mix.walk() if node.name == "layernorm"]
        width, pieces, inputs = maxout.get_param("W").shape
        self._weights = numpy.ascontiguousarray(
            maxout.get_param("W").reshape(width * pieces, inputs).T, dtype="float64"
        )
        self._bias = maxout.get_param("b").reshape(width * pieces)
        self._pieces = pieces
        self._limit = rows
        self._index: dict[bytes, int] = {}
        self._rows = numpy.empty((min(rows, 4096), width), dtype="float32")
        self._lock = threading.Lock()

    def __call__(self, docs) -> list:
        features = self._extract.predict(docs)
        if not any(len(array) for array in features):
            return [self._rows[:0] for _ in features]
        table = numpy.ascontiguousarray(numpy.concatenate(features), dtype="uint64")
        keys = table.view(numpy.dtype((numpy.void, table.shape[1] * 8))).ravel().tolist()
        # A worker run with --concurrency N extracts in N threads: the cache may start again
        # (rows overwritten from 0) between another thread's lookup and its read.
        with self._lock:
            try:
                rows = [self._index[key] for key in keys]
            except KeyError:
                self._add(keys, table)
                rows = [self._index[key] for key in keys]
            vectors = self._rows[rows]  # a copy
        sizes = numpy.cumsum([len(array) for array in features])[:-1]
        return numpy.split(vectors, sizes)

    def _add(self, keys, table) -> None:
        index = self._index
        new = self._unseen(keys)
        if len(index) + len(new) > self._limit:
            index.clear()  # start again rather than grow without bound
            new = self._unseen(keys)
        start = len(index)
        self._reserve(start + len(new))
        self._rows[start : start + len(new)] = self._mixed(table[list(new.values())])
        for offset, key in enumerate(new):
            index[key] = start + offset

    def _unseen(self, keys) -> dict[bytes, int]:
        """The keys not in the cache, each with the position of its first row in the batch."""
        new: dict[bytes, int] = {}
        for position, key in enumerate(keys):
            if key not in self._index and key not in new:
                new[key] = position
        return new

    def _reserve(self, size: int) -> None:
        if size > len(self._rows):
            rows = max(size, min(2 * len(self._rows), self._limit))  # never past the limit
            grown = numpy.empty((rows, self._rows.shape[1]), "float32")
            grown[: len(self._rows)] = self._rows
            self._rows = grown

    def _mixed(self, features) -> numpy.ndarray:
        """The embedding layer's arithmetic for the given feature rows, the maxout's product
        summed in float64 (see the module's docstring)."""
        summed = self._embed.predict(features)
        product = (summed.astype("float64") @ self._weights).astype("float32")
        product += self._bias
        best = product[:, 0 :: self._pieces]  # piece p of output unit u is column u * pieces + p
        for piece in range(1, self._pieces):
            best = numpy.maximum(best, product[:, piece :: self._pieces])
        return self._norm.predict(best)


class TokenVectors:
    """A token-to-vector network's `predict`, with its embedding layer answered by an
    `EmbeddingCache`; a network without its own embedding layer predicts as it is."""

    def __init__(self, model):
        embedding, self._rest = _embedding_and_rest(model)
        self._model = model
        self._cache = EmbeddingCache(embedding) if embedding is not None else None

    def predict(self, docs):
        if self._cache is None:
            return self._model.predict(docs)
        vectors = self._cache(docs)
        for layer in self._rest:
            vectors = layer.predict(vectors)
        return vectors
