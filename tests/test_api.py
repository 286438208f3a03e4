import pyarrow as pa

from pipeline import api


def test_arrow_shares_the_c_librarys_malloc_unless_told_otherwise(monkeypatch):
    original = pa.default_memory_pool()
    try:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        api.share_malloc_with_arrow()
        assert pa.default_memory_pool().backend_name == "mimalloc"
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        api.share_malloc_with_arrow()
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(original)
