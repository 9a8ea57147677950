// ZeroedArray<T>: a fixed-size array of a trivial type whose bytes all start at zero, taken from
// calloc. For large arrays the operating system supplies zero pages only when they are first
// touched, so structures sized for terabytes of flash cost memory (and start-up time) only as
// the cache fills. Choose encodings in which "all zero bytes" means empty.
//
// Memory accounting: memory_bytes() is the whole allocation; committed_bytes(n) is what the
// operating system has committed for an array of which only the first n elements were ever
// touched (whole 4 KiB pages), the honest figure for arrays handed out from index 0 upwards.
// Touched means read as well as written: on Linux here a read of a never-written page commits it
// too (measured: reading random words of a 256 MiB calloc'd array made it all resident), so code
// must not even look beyond what it has handed out (loops to a high-water mark, not to size()).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>

namespace flashtwin::engine {

template <class T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  ZeroedArray() = default;
  explicit ZeroedArray(std::size_t size)
      : data_(static_cast<T*>(std::calloc(size == 0 ? 1 : size, sizeof(T)))), size_(size) {
    if (data_ == nullptr) throw std::bad_alloc();
  }

  T& operator[](std::size_t i) { return data_.get()[i]; }
  const T& operator[](std::size_t i) const { return data_.get()[i]; }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return size_ * sizeof(T); }
  // Bytes committed when only elements [0, touched) were ever read or written: their pages.
  std::size_t committed_bytes(std::size_t touched) const {
    constexpr std::size_t kPageBytes = 4096;
    const std::size_t bytes = std::min(touched, size_) * sizeof(T);
    return std::min(memory_bytes(), (bytes + kPageBytes - 1) / kPageBytes * kPageBytes);
  }
  T* begin() { return data_.get(); }
  T* end() { return data_.get() + size_; }
  const T* begin() const { return data_.get(); }
  const T* end() const { return data_.get() + size_; }
  const T* data() const { return data_.get(); }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
  std::size_t size_ = 0;
};

}  // namespace flashtwin::engine
