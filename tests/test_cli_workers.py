"""The new-model command's worker processes: what comes back from them, and the fallback when nothing can."""

import multiprocessing
import threading

from scaffold.cli import _pickle_mapping_proxies, _received


def test_received_gives_the_result_or_none_when_it_cannot_be_pickled():
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert _received(pool.apply_async(int, ("7",))) == 7
        assert _received(pool.apply_async(threading.Lock)) is None  # a lock cannot travel: load it here instead
    assert _received(None) is None


def test_a_catalogue_travels_back_from_a_worker_intact():
    from scaffold.cli import _load_catalogue
    from scaffold.discovery import Catalogue, discover

    _pickle_mapping_proxies()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        received = _received(pool.apply_async(_load_catalogue))
    local = Catalogue.load()
    assert isinstance(received, Catalogue) and received == local
    assert discover("llama", received) == discover("llama", local)
