package lambdahttp

// A browser request through CloudFront carries about twenty headers.
const headersHint = 24

// fields decodes a header or query object. Single-value objects share one
// backing array for their values; each value's slice is capped so that an
// append by the handler cannot overwrite its neighbour.
func (d *scanner) fields(dst *fields, multi bool, sizeHint int) bool {
	if d.null() {
		*dst = nil
		return true
	}
	out := make(fields, 0, sizeHint)
	var single []string
	if !multi {
		single = make([]string, 0, sizeHint)
	}
	ok := d.object(func(key []byte) bool {
		k := string(key) // keys are plain: object() refuses escaped keys
		for _, f := range out {
			if f.key == k {
				return false // encoding/json would keep only the last
			}
		}
		if !multi {
			s, ok := d.str()
			if !ok {
				return false
			}
			single = append(single, s)
			n := len(single)
			out = append(out, field{k, single[n-1 : n : n]})
			return true
		}
		var vs []string
		if !d.stringArray(&vs) || vs == nil {
			return false // null: encoding/json keeps the key with no values
		}
		out = append(out, field{k, vs})
		return true
	})
	*dst = out
	return ok
}
