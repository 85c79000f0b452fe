package lambdahttp

// A browser request through CloudFront carries about twenty headers.
const headersHint = 24

// fields decodes a header or query object. Single-value objects share one
// backing array for their values; each value's slice is capped so that an
// append by the handler cannot overwrite its neighbour.
//
// A header object is charged to budget (nil for a query object): once it
// is spent the remaining members are only checked, not kept, and *dst is
// left nil, so that an absurd event costs one pass over its bytes and no
// allocation per header before it is refused.
func (d *scanner) fields(dst *fields, multi bool, sizeHint int, budget *headerBudget) bool {
	if d.null() {
		*dst = nil
		return true
	}
	out := make(fields, 0, sizeHint)
	var single []string
	if !multi {
		single = make([]string, 0, sizeHint)
	}
	var keys keySet
	ok := d.object(func(key []byte) bool {
		if budget.spent() {
			return d.skip()
		}
		k := string(key) // keys are plain: object() refuses escaped keys
		if keys.seen(k, out) {
			return false // encoding/json would keep only the last
		}
		if !multi {
			s, ok := d.str()
			if !ok {
				return false
			}
			single = append(single, s)
			n := len(single)
			out = append(out, field{k, single[n-1 : n : n]})
			budget.charge(k, single[n-1:n])
			return true
		}
		var vs []string
		if !d.stringArray(&vs) || vs == nil {
			return false // null: encoding/json keeps the key with no values
		}
		out = append(out, field{k, vs})
		budget.charge(k, vs)
		return true
	})
	*dst = out
	if budget.spent() {
		*dst = nil
	}
	return ok
}

// keySet tells whether an object's key came before. The few keys of a
// usual event are compared one by one; past keySetScan a map takes over,
// since comparing each key with all before it makes decoding quadratic in
// the number of keys (a hundred thousand headers took half a minute).
type keySet struct {
	m map[string]struct{}
}

const keySetScan = 32

// seen reports whether k is among the keys of out, the members decoded so
// far, and remembers it.
func (s *keySet) seen(k string, out fields) bool {
	if s.m == nil {
		if len(out) < keySetScan {
			for _, f := range out {
				if f.key == k {
					return true
				}
			}
			return false
		}
		s.m = make(map[string]struct{}, 2*len(out))
		for _, f := range out {
			s.m[f.key] = struct{}{}
		}
	}
	if _, ok := s.m[k]; ok {
		return true
	}
	s.m[k] = struct{}{}
	return false
}
