"""Dependency groups and blocks: how the two-class class-conditional EM codes the votes.

A *factor* is a set of LFs whose votes are modelled jointly: one LF, or a group of
declared dependent LFs (its joint outcome one of 3**size codes).  Factors are packed,
in order, into *blocks* of at most ``BLOCK_LFS`` LFs whose joint votes are one code of a
lookup table, so EM's steps gather from and count into tables per block of LFs rather
than per LF (:mod:`~dataprog_helpers.label_model.binary_fit`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .graphs import connected_groups

__all__ = ["BLOCK_LFS", "Block", "Factor", "blocks_of", "factor_positions", "factors_of",
           "vote_digits"]

#: LFs whose joint outcome is one code of a lookup table (3**8 = 6,561 entries):
#: EM's steps gather from and count into such tables, a pass over the patterns
#: per block of LFs rather than per LF.  Also the largest dependency group.
BLOCK_LFS = 8


@dataclass(frozen=True)
class Factor:
    """LFs modelled jointly (one LF, or a group of declared dependent LFs)."""

    lfs: tuple[int, ...]

    @property
    def n_outcomes(self) -> int:
        return 3 ** len(self.lfs)


@dataclass
class Block:
    """Factors whose LFs share one code: ``sum_d (v_d + 1) 3^d`` over ``lfs``."""

    factors: list[int]
    lfs: list[int]
    # digits[code, d]: the vote + 1 of the block's d-th LF in that code.
    digits: np.ndarray
    # outcome_index[k][code]: the outcome of the block's k-th factor in that code.
    outcome_index: list[np.ndarray]
    # outcomes[code, column] = 1 where column is the outcome of a factor in that code;
    # the columns of factor k are columns[k] (its outcomes, in order).
    outcomes: np.ndarray
    columns: list[slice]
    outcomes_t: np.ndarray  # outcomes.T, contiguous

    @property
    def n_codes(self) -> int:
        return self.digits.shape[0]


def factors_of(dependencies: list[tuple[int, int]], n_lfs: int) -> list[Factor]:
    """Singletons, and the connected groups of the declared dependent pairs."""
    factors = [Factor(tuple(members)) for members in connected_groups(dependencies, n_lfs)]
    too_large = [factor.lfs for factor in factors if len(factor.lfs) > BLOCK_LFS]
    if too_large:
        raise ValueError(
            f"the declared dependencies join {len(too_large[0])} LFs into one group "
            f"({list(too_large[0])}); ClassConditionalLabelModel models each group's votes "
            f"jointly, which it supports for groups of at most {BLOCK_LFS} LFs"
        )
    return factors


def blocks_of(factors: list[Factor]) -> list[Block]:
    """Pack the factors, in order, into blocks of at most ``BLOCK_LFS`` LFs."""
    packed: list[list[int]] = []
    size = BLOCK_LFS
    for index, factor in enumerate(factors):
        if size + len(factor.lfs) > BLOCK_LFS:
            packed.append([])
            size = 0
        packed[-1].append(index)
        size += len(factor.lfs)
    layouts: dict[tuple[int, ...], tuple] = {}  # most blocks share one: 8 single LFs
    blocks = []
    for members in packed:
        lfs = [lf for index in members for lf in factors[index].lfs]
        widths = tuple(len(factors[index].lfs) for index in members)
        if widths not in layouts:
            layouts[widths] = block_layout(widths)
        blocks.append(Block(members, lfs, *layouts[widths]))
    return blocks


def block_layout(widths: tuple[int, ...]):
    """Digits, outcome indices and outcome indicators of a block of factors of these widths."""
    digits = vote_digits(sum(widths))
    outcome_index, columns, position, column = [], [], 0, 0
    for width in widths:
        outcome = np.zeros(digits.shape[0], dtype=np.intp)
        for digit in reversed(range(position, position + width)):
            outcome = 3 * outcome + digits[:, digit]
        outcome_index.append(outcome)
        columns.append(slice(column, column + 3**width))
        position += width
        column += 3**width
    outcomes = np.concatenate(
        [np.eye(3**width)[outcome] for width, outcome in zip(widths, outcome_index, strict=True)],
        axis=1)
    return digits, outcome_index, outcomes, columns, np.ascontiguousarray(outcomes.T)


def factor_positions(block: Block, factors: list[Factor]):
    """``(first digit, factor index)`` of each factor of a block."""
    position = 0
    for index in block.factors:
        yield position, index
        position += len(factors[index].lfs)


def vote_digits(n_lfs: int) -> np.ndarray:
    """Every code of ``n_lfs`` LFs as its digits (votes + 1), shape (3**n_lfs, n_lfs)."""
    codes = np.arange(3**n_lfs)
    return (codes[:, None] // 3 ** np.arange(n_lfs)[None, :]) % 3
