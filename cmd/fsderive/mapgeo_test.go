package main

import (
	"math"
	"testing"
)

func TestClipRect(t *testing.T) {
	tests := []struct {
		name string
		in   []xy
		area float64
	}{
		{"inside", []xy{{1, 1}, {3, 1}, {3, 3}, {1, 3}}, 4},
		{"half out", []xy{{-2, 0}, {2, 0}, {2, 2}, {-2, 2}}, 4},
		{"outside", []xy{{20, 20}, {30, 20}, {30, 30}}, 0},
	}
	for _, tt := range tests {
		got := clipRect(tt.in, 0, 0, 10, 10)
		if a := math.Abs(area(got)); math.Abs(a-tt.area) > 1e-9 {
			t.Errorf("%s: area %v, want %v (%v)", tt.name, a, tt.area, got)
		}
	}
}

func TestSimplifyKeepsShape(t *testing.T) {
	// A square with many points on its edges simplifies to its corners.
	var ring []xy
	for i := 0; i < 10; i++ {
		ring = append(ring, xy{float64(i), 0})
	}
	for i := 0; i < 10; i++ {
		ring = append(ring, xy{10, float64(i)})
	}
	for i := 10; i > 0; i-- {
		ring = append(ring, xy{float64(i), 10})
	}
	for i := 10; i > 0; i-- {
		ring = append(ring, xy{0, float64(i)})
	}
	got := simplify(ring, 0.5)
	if len(got) > 6 || math.Abs(math.Abs(area(got))-100) > 1e-9 {
		t.Errorf("simplified to %d points, area %v: %v", len(got), area(got), got)
	}
}

func TestLAEACentre(t *testing.T) {
	x, y := laea(15, 53)(15, 53)
	if math.Abs(x) > 1e-12 || math.Abs(y) > 1e-12 {
		t.Errorf("centre projects to %v, %v", x, y)
	}
	// North is up (y down on screen).
	if _, y := laea(15, 53)(15, 60); y >= 0 {
		t.Errorf("north projects to y = %v, want < 0", y)
	}
}
