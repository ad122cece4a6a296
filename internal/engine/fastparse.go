package engine

// fastDay reads YYYY-MM-DD (1900-2200) as days since 1970.
func fastDay(b []byte) (int32, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	num := func(s []byte) int {
		v := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, m, d := num(b[:4]), num(b[5:7]), num(b[8:])
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// fastAmount reads digits[.digits] with at most digits decimals into minor
// units; anything else goes to fairshare.ParseAmount.
func fastAmount(b []byte, digits int) (int64, bool) {
	var v int64
	i, n := 0, 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + int64(b[i]-'0')
		n++
	}
	if n == 0 || n > 15 {
		return 0, false
	}
	frac := 0
	if i < len(b) && b[i] == '.' {
		i++
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if frac == digits {
				return 0, false
			}
			v = v*10 + int64(b[i]-'0')
			frac++
		}
	}
	if i != len(b) || frac == 3 {
		// Exactly three decimals ("1.000") may be a thousands separator:
		// that is the import rule's to decide (fairshare.ParseAmount).
		return 0, false
	}
	for ; frac < digits; frac++ {
		v *= 10
	}
	return v, true
}
