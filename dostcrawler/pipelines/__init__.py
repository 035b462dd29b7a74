"""Item pipelines, in order: normalize, validate, dedup, store (+ the per-run JSONL)."""

from __future__ import annotations

from dostcrawler.pipelines.dedup import DedupPipeline
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.pipelines.store import StorePipeline
from dostcrawler.pipelines.validate import ValidatePipeline

__all__ = ["DedupPipeline", "NormalizePipeline", "StorePipeline", "ValidatePipeline"]
