package io.keyport.web;

import java.beans.PropertyEditorSupport;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Integer query and path parameters are read as the API document declares them: an
 * optional sign and decimal digits, nothing else (400 {@code invalid-parameter}).
 * Spring's own reader also takes surrounding spaces (a {@code +} in a query string is a
 * space) and hexadecimal ({@code 0x10}, {@code #10}), so a request the document forbids
 * was answered as if it had asked for another number. An editor, because a converter's
 * refusal falls back to Spring's lenient default editors.
 */
@ControllerAdvice
class StrictIntegers {

	private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]{1,18}");

	@InitBinder
	void strictIntegers(WebDataBinder binder) {
		binder.registerCustomEditor(int.class, new Decimal(Integer::valueOf));
		binder.registerCustomEditor(Integer.class, new Decimal(Integer::valueOf));
		binder.registerCustomEditor(long.class, new Decimal(Long::valueOf));
		binder.registerCustomEditor(Long.class, new Decimal(Long::valueOf));
	}

	private static final class Decimal extends PropertyEditorSupport {

		private final Function<String, Number> parse;

		Decimal(Function<String, Number> parse) {
			this.parse = parse;
		}

		@Override
		public void setAsText(String text) {
			if (text == null || text.isEmpty()) {
				setValue(null);
				return;
			}
			if (!DECIMAL.matcher(text).matches()) {
				throw new IllegalArgumentException("not a decimal integer");
			}
			setValue(this.parse.apply(text));
		}

	}

}
