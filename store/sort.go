package store

import (
	"cmp"
	"slices"
)

func sortBy[T any, K cmp.Ordered](xs []T, key func(T) K) {
	slices.SortStableFunc(xs, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
}
