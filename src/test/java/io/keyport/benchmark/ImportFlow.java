package io.keyport.benchmark;

/**
 * One complete import of a fresh symmetric key, done one way: the bare KMS calls or
 * through Keyport's API. Implementations are thread-safe; each call imports a new key and
 * throws if any step is answered other than as expected.
 */
interface ImportFlow {

	/** Short name for tables and messages ({@code bare}, {@code keyport}). */
	String name();

	void importOne() throws Exception;

}
