"""Do two indexes of the same store (e.g. local and milvus) give the same answers?

    .venv/bin/python tests/app/engine_agreement.py LOCAL_DIR MILVUS_DIR QUESTIONS.jsonl... [--gold DIR]

Per question file: top-1 agreement (the first hit's clause, by document and path, since clause ids
are the store's and both indexes share it), each index's answer-exact (``policykb eval``'s own
scoring: seed files of ../shared/eval, gold files of tests/questions) and every question on which
the two differ.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.answer import Answer  # noqa: E402
from app.cli import GOLD_DIR, is_gold_question_file  # noqa: E402
from app.services import KnowledgeBase  # noqa: E402


def top1(answer: Answer) -> tuple[str, str] | None:
    return (answer.hits[0].doc_id, answer.hits[0].path) if answer.hits else None


def exact_judge(path: Path, gold_dir: Path) -> tuple[list[tuple[str, str]], Callable[[int, Answer], bool]]:
    """(id, question) of each line and a judge of answer-exact, as `policykb eval` scores them."""
    from app import evaluate

    if not is_gold_question_file(path):
        questions = evaluate.load_questions(path)
        seed = evaluate.load_seed(evaluate.seed_path_for(path))
        return [(q.id, q.q) for q in questions], lambda i, a: evaluate.score(questions[i], a, seed).exact
    from app.evaluate_extract import export_names, load_gold_dir
    from ingest.pipeline import doc_id_for

    documents = load_gold_dir(gold_dir)
    keys = {doc_id_for(name): key for key, name in export_names(documents).items()}
    gold = evaluate.GoldIndex.build(documents)
    gold_questions = evaluate.load_gold_questions(path)
    return [
        (q.id, q.q) for q in gold_questions
    ], lambda i, a: evaluate.score_gold(gold_questions[i], a, gold, keys).exact


def compare(left: KnowledgeBase, right: KnowledgeBase, paths: Sequence[Path], gold_dir: Path) -> int:
    total_agree = total = 0
    for path in paths:
        questions, exact = exact_judge(path, gold_dir)
        agree, exact_l, exact_r = 0, 0, 0
        for i, (qid, q) in enumerate(questions):
            a, b = left.ask(q), right.ask(q)
            same = top1(a) == top1(b) and a.found == b.found
            agree += same
            exact_l += exact(i, a)
            exact_r += exact(i, b)
            if not same:
                print(f"  [{qid}] {q}: local {top1(a)} found={a.found}; other {top1(b)} found={b.found}")
        n = len(questions)
        total_agree, total = total_agree + agree, total + n
        print(
            f"{path.name}: {n} questions, top-1 agreement {agree / n:.3f}; answer-exact"
            f" {exact_l / n:.3f} vs {exact_r / n:.3f} (diff {abs(exact_l - exact_r) / n:.3f})"
        )
    print(f"all: {total} questions, top-1 agreement {total_agree / total:.3f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("left", type=Path)
    parser.add_argument("right", type=Path)
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR)
    args = parser.parse_args(argv)
    left = KnowledgeBase.open(args.left, create=False)
    right = KnowledgeBase.open(args.right, create=False)
    return compare(left, right, args.questions, args.gold)


if __name__ == "__main__":
    sys.exit(main())
