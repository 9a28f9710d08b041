/**
 * Reading and writing safetensors files, and opening the (single or sharded) weights of a Hugging Face folder.
 *
 * <p>{@link dev.titans4j.export.safetensors.SafetensorsFile} validates a whole header before any data is touched and
 * reads tensors through memory-mapped windows under 2 GB, converting F16/BF16 to float32.
 * {@link dev.titans4j.export.safetensors.SafetensorsWriter} writes F32/F16/BF16 with round-to-nearest-even.
 * {@link dev.titans4j.export.safetensors.Checkpoint} puts one or many files behind tensor names. Every problem with
 * a file on disk is a {@link dev.titans4j.export.safetensors.SafetensorsException} (an {@code IOException}) whose
 * message names the file, the tensor and what is wrong; misuse of the API (asking for a tensor that is not there,
 * adding the same name twice) is an {@code IllegalArgumentException}.
 */
package dev.titans4j.export.safetensors;
