package engine

import "hash/maphash"

// idIndex maps entry ids to dense indexes: canonical lowercase UUIDs as 16
// bytes in an open-addressing table, anything else in a map.
type idIndex struct {
	keys  [][16]byte
	table []int32 // index+1, 0 empty
	n     int
	other map[string]int32
	seed  maphash.Seed
}

func parseUUID(s string) ([16]byte, bool) {
	var k [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return k, false
	}
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i--
			continue
		}
		h, ok1 := unhex(s[i])
		l, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return k, false
		}
		k[j] = h<<4 | l
		j++
	}
	return k, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// lookup returns the index of id, adding it when add is set; added reports
// a new entry; ok is false when id is unknown and add is not set.
func (x *idIndex) lookup(id string, add bool) (i int32, added, ok bool) {
	k, isUUID := parseUUID(id)
	if !isUUID {
		if v, found := x.other[id]; found {
			return v, false, true
		}
		if !add {
			return 0, false, false
		}
		if x.other == nil {
			x.other = map[string]int32{}
		}
		i = int32(len(x.keys))
		x.keys = append(x.keys, [16]byte{})
		x.other[id] = i
		return i, true, true
	}
	if len(x.table) == 0 {
		x.seed = maphash.MakeSeed()
		x.table = make([]int32, 1024)
	}
	mask := uint64(len(x.table) - 1)
	h := maphash.Comparable(x.seed, k) & mask
	for {
		v := x.table[h]
		if v == 0 {
			break
		}
		if x.keys[v-1] == k {
			return v - 1, false, true
		}
		h = (h + 1) & mask
	}
	if !add {
		return 0, false, false
	}
	i = int32(len(x.keys))
	x.keys = append(x.keys, k)
	x.table[h] = i + 1
	x.n++
	if x.n*4 > len(x.table)*3 {
		x.grow()
	}
	return i, true, true
}

func (x *idIndex) grow() {
	t := make([]int32, len(x.table)*2)
	mask := uint64(len(t) - 1)
	for _, v := range x.table {
		if v == 0 {
			continue
		}
		h := maphash.Comparable(x.seed, x.keys[v-1]) & mask
		for t[h] != 0 {
			h = (h + 1) & mask
		}
		t[h] = v
	}
	x.table = t
}

// idString is for messages only: the id of entry k when it is a UUID.
func (l *ledger) idString(k int32) string {
	for s, v := range l.ids.other {
		if v == k {
			return s
		}
	}
	const hx = "0123456789abcdef"
	key := l.ids.keys[k]
	b := make([]byte, 0, 36)
	for i, x := range key {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hx[x>>4], hx[x&15])
	}
	return string(b)
}
