from __future__ import annotations

from pathlib import Path

import jieba
from index_helpers import make_document

from index.store import ClauseStore
from index.tokenize import ClauseTokenizer, fold, load_stopwords, quoted_terms, user_words_from_store


def test_fold_width_and_case() -> None:
    assert fold("５Ｇ和千兆光网（ＡＢＣ）") == "5g和千兆光网(abc)"


def test_user_words_stay_whole_and_noise_is_dropped(tmp_path: Path) -> None:
    tokenizer = ClauseTokenizer(["雁阵形", "工赋山东", "省发改委"], cache_dir=tmp_path)
    tokens = tokenizer.tokenize("实施“雁阵形”产业集群，深化“工赋山东”行动（省发改委牵头）。")
    assert tokens == [
        "实施",
        "阵形",
        "雁阵形",
        "产业",
        "集群",
        "深化",
        "山东",
        "工赋山东",
        "行动",
        "发改委",
        "省发改委",
        "牵头",
    ]
    assert [p.name for p in tmp_path.iterdir()] == [f"jieba-{jieba.__version__}.cache"]


def test_full_width_query_matches_half_width_text(tmp_path: Path) -> None:
    tokenizer = ClauseTokenizer(cache_dir=tmp_path)
    assert tokenizer.tokenize("５Ｇ基站") == tokenizer.tokenize("5G基站") == ["5g", "基站"]


def test_stopwords_are_data_and_dropped(tmp_path: Path) -> None:
    assert {"的", "和", "谁", "哪些"} <= load_stopwords()
    assert ClauseTokenizer(cache_dir=tmp_path).tokenize("哪些部门负责的") == ["部门", "负责"]


def test_private_tokenizer_does_not_touch_global_jieba(tmp_path: Path) -> None:
    # Compared before and after, with a word no test adds: Milvus Lite's analyzer adds the store's
    # words to the global jieba, so a word of the corpus may be there already in a shared process.
    before = jieba.lcut("推进蔺苕粟禾工程")
    assert "蔺苕粟禾" not in before
    ClauseTokenizer(["蔺苕粟禾"], cache_dir=tmp_path)
    assert jieba.lcut("推进蔺苕粟禾工程") == before


def test_user_words_from_store(tmp_path: Path) -> None:
    with ClauseStore(tmp_path / "store.sqlite") as store:
        store.put_document(make_document())
        words = user_words_from_store(store)
    assert words == ["工赋山东", "省发展改革委", "省发改委", "省工业和信息化厅", "省财政厅", "雁阵形"]


def test_quoted_terms_skip_long_quotes() -> None:
    assert quoted_terms("“万企转型”和“这是一句被引用的很长的话”") == ["万企转型"]
