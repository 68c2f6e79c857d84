package io.keyport.importjob;

/**
 * A job's current wrapping key and import token, for download by a client that wraps
 * material itself.
 */
public record ImportParametersDownload(ImportJobView job, byte[] wrappingPublicKeyDer, byte[] importToken) {

	@Override
	public String toString() {
		return "ImportParametersDownload[job=" + this.job.id() + "]";
	}

}
