/**
 * @module h264-writer
 * A tiny H.264 (Baseline, CAVLC) encoder for one thing only: a solid-colour picture of any even
 * size, so emulated videos decode at the resolution a job asked for without shipping a clip per
 * size. The IDR picture is one I_PCM macroblock holding the colour exactly, then I_16x16 DC
 * macroblocks with no residual (each predicts the colour from its neighbours: 8 bits a
 * macroblock); every later picture is a P picture that skips all macroblocks (a few bytes).
 * Deblocking is off, so the decoded picture is the colour, sample for sample (ITU-T H.264 §7).
 */

/** Colour of the picture, as 8-bit Y'CbCr (video range keeps clear of emulation prevention). */
export interface YCbCr {
  y: number;
  cb: number;
  cr: number;
}

/** A picture size, in pixels (both even). */
export interface PictureSize {
  width: number;
  height: number;
}

/** Writes bits most-significant first, with Exp-Golomb codes (§9.1). */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private count = 0;

  bit(value: number): void {
    this.current = (this.current << 1) | (value & 1);
    this.count += 1;
    if (this.count === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.count = 0;
    }
  }

  /** `bits` (≤ 31) bits of `value`. */
  u(value: number, bits: number): void {
    for (let index = bits - 1; index >= 0; index -= 1) this.bit((value >>> index) & 1);
  }

  ue(value: number): void {
    const coded = value + 1;
    const length = 32 - Math.clz32(coded);
    this.u(0, length - 1);
    this.u(coded, length);
  }

  se(value: number): void {
    this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  alignZero(): void {
    while (this.count !== 0) this.bit(0);
  }

  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary. */
  trailing(): Uint8Array {
    this.bit(1);
    this.alignZero();
    return Uint8Array.from(this.bytes);
  }
}

const PROFILE_BASELINE = 66;
/** constraint_set0 and constraint_set1: Constrained Baseline, which every decoder plays. */
const CONSTRAINTS = 0xc0;
/** Level 4.0: up to 8192 macroblocks a picture (1920×1088) at 30 pictures a second. */
const LEVEL = 40;
/** log2_max_frame_num_minus4 = 0: frame_num counts modulo 16. */
const FRAME_NUM_BITS = 4;

/** The sequence parameter set for `size` (cropping to sizes that are not multiples of 16). */
export function sequenceParameterSet(size: PictureSize): Uint8Array {
  const widthMbs = Math.ceil(size.width / 16);
  const heightMbs = Math.ceil(size.height / 16);
  const bits = new BitWriter();
  bits.u(PROFILE_BASELINE, 8);
  bits.u(CONSTRAINTS, 8);
  bits.u(LEVEL, 8);
  bits.ue(0); // seq_parameter_set_id
  bits.ue(FRAME_NUM_BITS - 4);
  bits.ue(2); // pic_order_cnt_type 2: output order is decoding order
  bits.ue(1); // max_num_ref_frames
  bits.u(0, 1); // gaps_in_frame_num_value_allowed_flag
  bits.ue(widthMbs - 1);
  bits.ue(heightMbs - 1);
  bits.u(1, 1); // frame_mbs_only_flag
  bits.u(1, 1); // direct_8x8_inference_flag
  const cropRight = (widthMbs * 16 - size.width) / 2; // in 4:2:0 crop units of two samples
  const cropBottom = (heightMbs * 16 - size.height) / 2;
  const cropping = cropRight > 0 || cropBottom > 0;
  bits.u(cropping ? 1 : 0, 1);
  if (cropping) {
    bits.ue(0);
    bits.ue(cropRight);
    bits.ue(0);
    bits.ue(cropBottom);
  }
  bits.u(0, 1); // vui_parameters_present_flag
  return nalUnit(3, 7, bits.trailing());
}

/** The picture parameter set: CAVLC, QP 26, deblocking controllable per slice. */
export function pictureParameterSet(): Uint8Array {
  const bits = new BitWriter();
  bits.ue(0); // pic_parameter_set_id
  bits.ue(0); // seq_parameter_set_id
  bits.u(0, 1); // entropy_coding_mode_flag: CAVLC
  bits.u(0, 1); // bottom_field_pic_order_in_frame_present_flag
  bits.ue(0); // num_slice_groups_minus1
  bits.ue(0); // num_ref_idx_l0_default_active_minus1
  bits.ue(0); // num_ref_idx_l1_default_active_minus1
  bits.u(0, 1); // weighted_pred_flag
  bits.u(0, 2); // weighted_bipred_idc
  bits.se(0); // pic_init_qp_minus26
  bits.se(0); // pic_init_qs_minus26
  bits.se(0); // chroma_qp_index_offset
  bits.u(1, 1); // deblocking_filter_control_present_flag
  bits.u(0, 1); // constrained_intra_pred_flag
  bits.u(0, 1); // redundant_pic_cnt_present_flag
  return nalUnit(3, 8, bits.trailing());
}

/** The IDR picture: I_PCM top-left, then DC-predicted macroblocks that copy its colour. */
export function idrPicture(size: PictureSize, colour: YCbCr): Uint8Array {
  const widthMbs = Math.ceil(size.width / 16);
  const heightMbs = Math.ceil(size.height / 16);
  const bits = new BitWriter();
  bits.ue(0); // first_mb_in_slice
  bits.ue(7); // slice_type: I (all slices of the picture)
  bits.ue(0); // pic_parameter_set_id
  bits.u(0, FRAME_NUM_BITS); // frame_num
  bits.ue(0); // idr_pic_id
  bits.u(0, 1); // no_output_of_prior_pics_flag
  bits.u(0, 1); // long_term_reference_flag
  bits.se(0); // slice_qp_delta
  bits.ue(1); // disable_deblocking_filter_idc: off, so the colour is exact
  for (let mb = 0; mb < widthMbs * heightMbs; mb += 1) {
    if (mb === 0) {
      bits.ue(25); // mb_type I_PCM
      bits.alignZero();
      for (let index = 0; index < 256; index += 1) bits.u(colour.y, 8);
      for (let index = 0; index < 64; index += 1) bits.u(colour.cb, 8);
      for (let index = 0; index < 64; index += 1) bits.u(colour.cr, 8);
      continue;
    }
    bits.ue(3); // mb_type I_16x16_2_0_0: DC prediction, no coded residual
    bits.ue(0); // intra_chroma_pred_mode: DC
    bits.se(0); // mb_qp_delta
    // Intra16x16DCLevel coeff_token for no coefficients. nC counts the neighbours' coefficients:
    // an I_PCM neighbour counts 16 (the 6-bit fixed-length table), DC-only neighbours count 0.
    const x = mb % widthMbs;
    const y = Math.floor(mb / widthMbs);
    const besidePcm = (x === 1 && y === 0) || (x === 0 && y === 1);
    if (besidePcm) bits.u(0b000011, 6);
    else bits.u(1, 1);
  }
  return nalUnit(3, 5, bits.trailing());
}

/** A P picture that skips every macroblock: it shows the previous picture again. */
export function skipPicture(size: PictureSize, frameNum: number): Uint8Array {
  const macroblocks = Math.ceil(size.width / 16) * Math.ceil(size.height / 16);
  const bits = new BitWriter();
  bits.ue(0); // first_mb_in_slice
  bits.ue(5); // slice_type: P (all slices of the picture)
  bits.ue(0); // pic_parameter_set_id
  bits.u(frameNum % (1 << FRAME_NUM_BITS), FRAME_NUM_BITS);
  bits.u(0, 1); // num_ref_idx_active_override_flag
  bits.u(0, 1); // ref_pic_list_modification_flag_l0
  bits.u(0, 1); // adaptive_ref_pic_marking_mode_flag: sliding window
  bits.se(0); // slice_qp_delta
  bits.ue(1); // disable_deblocking_filter_idc
  bits.ue(macroblocks); // mb_skip_run: all of them
  // Pictures are references (nal_ref_idc 2): with pic_order_cnt_type 2 two non-reference
  // pictures in a row would share an order count.
  return nalUnit(2, 1, bits.trailing());
}

/** A NAL unit (no start code): header byte, then the payload with emulation prevention (§7.4.1). */
function nalUnit(refIdc: number, type: number, rbsp: Uint8Array): Uint8Array {
  const out: number[] = [(refIdc << 5) | type];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}
