package content

import (
	"html"
	"strings"
)

// The LaTeX commands latexToMathML knows, by what they become.

var greek = map[string]string{
	`\alpha`: "α", `\beta`: "β", `\gamma`: "γ", `\delta`: "δ", `\epsilon`: "ϵ", `\varepsilon`: "ε",
	`\zeta`: "ζ", `\eta`: "η", `\theta`: "θ", `\vartheta`: "ϑ", `\iota`: "ι", `\kappa`: "κ",
	`\lambda`: "λ", `\mu`: "μ", `\nu`: "ν", `\xi`: "ξ", `\pi`: "π", `\varpi`: "ϖ", `\rho`: "ρ",
	`\varrho`: "ϱ", `\sigma`: "σ", `\varsigma`: "ς", `\tau`: "τ", `\upsilon`: "υ", `\phi`: "ϕ",
	`\varphi`: "φ", `\chi`: "χ", `\psi`: "ψ", `\omega`: "ω",
	`\Gamma`: "Γ", `\Delta`: "Δ", `\Theta`: "Θ", `\Lambda`: "Λ", `\Xi`: "Ξ", `\Pi`: "Π",
	`\Sigma`: "Σ", `\Upsilon`: "Υ", `\Phi`: "Φ", `\Psi`: "Ψ", `\Omega`: "Ω",
}

// symbols are operators, relations, arrows and fences (<mo>).
var symbols = map[string]string{
	`\cdot`: "⋅", `\times`: "×", `\div`: "÷", `\pm`: "±", `\mp`: "∓", `\ast`: "∗", `\star`: "⋆",
	`\circ`: "∘", `\bullet`: "∙", `\oplus`: "⊕", `\otimes`: "⊗",
	`\leq`: "≤", `\le`: "≤", `\geq`: "≥", `\ge`: "≥", `\neq`: "≠", `\ne`: "≠", `\approx`: "≈",
	`\equiv`: "≡", `\sim`: "∼", `\simeq`: "≃", `\cong`: "≅", `\propto`: "∝", `\ll`: "≪", `\gg`: "≫",
	`\to`: "→", `\rightarrow`: "→", `\leftarrow`: "←", `\gets`: "←", `\leftrightarrow`: "↔",
	`\Rightarrow`: "⇒", `\Leftarrow`: "⇐", `\Leftrightarrow`: "⇔", `\implies`: "⟹", `\iff`: "⟺",
	`\impliedby`: "⟸", `\mapsto`: "↦", `\uparrow`: "↑", `\downarrow`: "↓", `\longrightarrow`: "⟶",
	`\longleftarrow`: "⟵", `\Longrightarrow`: "⟹", `\hookrightarrow`: "↪",
	`\in`: "∈", `\notin`: "∉", `\ni`: "∋", `\subset`: "⊂", `\subseteq`: "⊆", `\supset`: "⊃",
	`\supseteq`: "⊇", `\cup`: "∪", `\cap`: "∩", `\setminus`: "∖", `\forall`: "∀", `\exists`: "∃",
	`\nexists`: "∄", `\neg`: "¬", `\lnot`: "¬", `\wedge`: "∧", `\land`: "∧", `\vee`: "∨", `\lor`: "∨",
	`\perp`: "⊥", `\parallel`: "∥", `\mid`: "∣", `\vert`: "|", `\Vert`: "‖", `\|`: "‖",
	`\ldots`: "…", `\dots`: "…", `\cdots`: "⋯", `\vdots`: "⋮", `\ddots`: "⋱",
	`\langle`: "⟨", `\rangle`: "⟩", `\lfloor`: "⌊", `\rfloor`: "⌋", `\lceil`: "⌈", `\rceil`: "⌉",
	`\{`: "{", `\}`: "}", `\lbrace`: "{", `\rbrace`: "}", `\colon`: ":", `\#`: "#", `\%`: "%",
	`\&`: "&amp;", `\_`: "_", `\$`: "$", `\backslash`: "∖", `\angle`: "∠", `\triangle`: "△",
}

// ordinals are symbols that are identifiers (<mi>).
var ordinals = map[string]string{
	`\infty`: "∞", `\partial`: "∂", `\nabla`: "∇", `\emptyset`: "∅", `\varnothing`: "∅",
	`\ell`: "ℓ", `\hbar`: "ℏ", `\Re`: "ℜ", `\Im`: "ℑ", `\aleph`: "ℵ", `\prime`: "′",
}

// bigOps are operators that take limits; the integrals take them as
// scripts, the others under and over (see scripted).
var bigOps = map[string]string{
	`\sum`: "∑", `\prod`: "∏", `\coprod`: "∐", `\int`: "∫", `\iint`: "∬", `\iiint`: "∭",
	`\oint`: "∮", `\bigcup`: "⋃", `\bigcap`: "⋂", `\bigoplus`: "⨁", `\bigotimes`: "⨂",
	`\bigvee`: "⋁", `\bigwedge`: "⋀",
}

// funcNames are written upright; limitFuncs also take limits below.
var funcNames = map[string]bool{
	`\sin`: true, `\cos`: true, `\tan`: true, `\cot`: true, `\sec`: true, `\csc`: true,
	`\arcsin`: true, `\arccos`: true, `\arctan`: true, `\sinh`: true, `\cosh`: true, `\tanh`: true,
	`\log`: true, `\ln`: true, `\lg`: true, `\exp`: true, `\deg`: true, `\dim`: true, `\ker`: true,
	`\arg`: true, `\det`: true, `\gcd`: true, `\hom`: true, `\mod`: true, `\bmod`: true,
}

var limitFuncs = map[string]bool{
	`\lim`: true, `\limsup`: true, `\liminf`: true, `\max`: true, `\min`: true, `\sup`: true,
	`\inf`: true, `\Pr`: true, `\argmax`: true, `\argmin`: true,
}

// spaces are LaTeX's spacing commands, in em.
var spaces = map[string]string{
	`\,`: "0.1667em", `\:`: "0.2222em", `\>`: "0.2222em", `\;`: "0.2778em", `\ `: "0.25em",
	`\quad`: "1em", `\qquad`: "2em", `\!`: "0",
}

// accents go over (or, \underline, under) their argument.
var accents = map[string]string{
	`\hat`: "^", `\widehat`: "^", `\bar`: "¯", `\overline`: "¯", `\vec`: "→", `\dot`: "˙",
	`\ddot`: "¨", `\tilde`: "~", `\widetilde`: "~", `\check`: "ˇ", `\breve`: "˘", `\acute`: "´",
	`\grave`: "`", `\underline`: "_", `\overrightarrow`: "→",
}

// fonts write their argument's letters in another alphabet. Letters are
// mapped to Unicode's mathematical alphabets, which every system font
// with mathematics carries, since MathML Core keeps only
// mathvariant="normal".
var fonts = map[string]func(arg string) string{
	`\mathrm`:       upright,
	`\operatorname`: upright,
	`\mathit`:       func(a string) string { return "<mi>" + html.EscapeString(a) + "</mi>" },
	`\mathbb`:       alphabet(0x1D538, 0x1D552, map[rune]rune{'C': 'ℂ', 'H': 'ℍ', 'N': 'ℕ', 'P': 'ℙ', 'Q': 'ℚ', 'R': 'ℝ', 'Z': 'ℤ'}),
	`\mathbf`:       alphabet(0x1D400, 0x1D41A, nil),
	`\boldsymbol`:   alphabet(0x1D400, 0x1D41A, nil),
	`\mathcal`:      alphabet(0x1D4D0, 0x1D4EA, nil),
	`\mathfrak`:     alphabet(0x1D504, 0x1D51E, map[rune]rune{'C': 'ℭ', 'H': 'ℌ', 'I': 'ℑ', 'R': 'ℜ', 'Z': 'ℨ'}),
	`\mathsf`:       alphabet(0x1D5A0, 0x1D5BA, nil),
}

func upright(a string) string {
	a = strings.TrimSpace(a)
	if len([]rune(a)) == 1 {
		return `<mi mathvariant="normal">` + html.EscapeString(a) + "</mi>"
	}
	return "<mi>" + html.EscapeString(a) + "</mi>" // several letters are upright already
}

// alphabet maps A–Z from upper and a–z from lower, with exceptions for the
// letters Unicode placed elsewhere.
func alphabet(upper, lower rune, except map[rune]rune) func(string) string {
	return func(a string) string {
		var b strings.Builder
		for _, r := range strings.TrimSpace(a) {
			switch {
			case except[r] != 0:
				b.WriteRune(except[r])
			case r >= 'A' && r <= 'Z':
				b.WriteRune(upper + r - 'A')
			case r >= 'a' && r <= 'z':
				b.WriteRune(lower + r - 'a')
			case r != ' ':
				b.WriteString(html.EscapeString(string(r)))
			}
		}
		return `<mi mathvariant="normal">` + b.String() + "</mi>"
	}
}
